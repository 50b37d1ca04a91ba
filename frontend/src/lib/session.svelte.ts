// Who is working and on what project: /api/me (user, role, CSRF token, progress) and /api/meta (rubric, reasons,
// rules, batches), loaded once at start and after a login, shared by every screen.

import { api, ApiError, type Decision, type LLMStatus, type Me, type Meta, type Progress } from './api';
import { t } from './i18n.svelte';
import { progressAfter } from './progress';
import { explainText } from './errors';

const checklistKey = 'reviewdesk.checklist';
const rescoreEditsKey = 'reviewdesk.rescoreEdits';

function stored(key: string, fallback: boolean): boolean {
  try {
    const v = globalThis.localStorage?.getItem(key);
    return v === null || v === undefined ? fallback : v === '1';
  } catch {
    return fallback;
  }
}

function remember(key: string, on: boolean) {
  try {
    globalThis.localStorage?.setItem(key, on ? '1' : '0');
  } catch {
    // a blocked storage only loses the preference
  }
}

class Session {
  me = $state<Me | null>(null);
  meta = $state<Meta | null>(null);
  progress = $state<Progress | null>(null);
  /** A 401 came back: the app shows the login screen until a login succeeds. */
  needLogin = $state(false);
  /** Why the app could not start (the server is down, ...). */
  error = $state('');
  checklist = $state(stored(checklistKey, true));
  /** Have the judge score the reviewer's edit each time they pause typing (costs an LLM call per pause). */
  rescoreEdits = $state(stored(rescoreEditsKey, false));
  /** Whether the LLM copilot is configured on the server (null until asked). */
  llm = $state<LLMStatus | null>(null);

  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private metaLoaded: Promise<unknown> = Promise.resolve();
  private llmLoaded: Promise<void> = Promise.resolve();

  /** Resolves once /api/meta has answered (or failed): the review screen paints its first item after it. */
  metaReady(): Promise<void> {
    return this.metaLoaded.then(
      () => {},
      () => {},
    );
  }

  get supervisor(): boolean {
    return this.me?.role === 'supervisor' || this.me?.role === 'admin';
  }

  get team(): boolean {
    return this.me?.mode === 'team';
  }

  async start(): Promise<void> {
    api.onUnauthorized = () => {
      this.needLogin = true;
    };
    this.error = '';
    // The review screen may start leasing its first item as soon as the CSRF token is in (from /api/me), while
    // /api/meta is still on its way.
    const meta = api.meta().then((m) => (this.meta = m));
    this.metaLoaded = meta;
    try {
      const me = await api.me();
      this.me = me;
      this.progress = me.progress;
      this.needLogin = false;
      this.llmLoaded = api.llm().then(
        (l) => void (this.llm = l),
        () => void (this.llm = { configured: false }),
      );
      await meta;
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) this.needLogin = true;
      else this.error = explainText(e);
    }
    meta.catch(() => {}); // reported above when it mattered
  }

  async login(user: string, password: string): Promise<void> {
    await api.login(user, password);
    await this.start();
  }

  async logout(): Promise<void> {
    try {
      await api.logout();
    } finally {
      this.me = null;
      this.needLogin = true;
    }
  }

  async reloadMeta(): Promise<void> {
    this.meta = await api.meta();
  }

  setChecklist(on: boolean) {
    this.checklist = on;
    remember(checklistKey, on);
  }

  setRescoreEdits(on: boolean) {
    this.rescoreEdits = on;
    remember(rescoreEditsKey, on);
  }

  /** Why the copilot's buttons are off, "" when they work, in the UI language. */
  get llmOff(): string {
    if (!this.llm) return t('app.loading');
    return this.llm.configured ? '' : t('suggest.off');
  }

  /** The tooltip of a copilot button that is off: why, and how to turn the copilot on; "" when it works. */
  get llmTip(): string {
    return this.llm && !this.llm.configured ? t('suggest.tip', { off: t('suggest.off') }) : this.llmOff;
  }

  /** The server's note on how to configure an LLM (in English, with the flags to start it with), "" when there is none. */
  get llmOffDetail(): string {
    return this.llm && !this.llm.configured ? (this.llm.message ?? '') : '';
  }

  /** Resolves once the server said whether it has an LLM: a key pressed before then waits for the answer. */
  llmReady(): Promise<void> {
    return this.llmLoaded;
  }

  get admin(): boolean {
    return this.me?.role === 'admin';
  }

  /**
   * Counts a decision (or, with sign -1, an undone one) at once, so the numbers move with the key press, and asks
   * the server for the exact figures a moment later, once a burst of decisions has settled.
   */
  counted(d: Decision, sign: 1 | -1) {
    if (this.progress) this.progress = progressAfter(this.progress, d, sign);
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => this.refreshProgress(), 2000);
  }

  async refreshProgress(): Promise<void> {
    try {
      const me = await api.me();
      this.me = me;
      this.progress = me.progress;
    } catch {
      // the numbers stay as counted; the next decision tries again
    }
  }
}

export const session = new Session();
