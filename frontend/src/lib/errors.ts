// What went wrong, in the UI language. The API answers {"code","message"}: the code picks a localized sentence and the
// server's message (English, and often the part that says exactly what to fix) stays beside it as the detail.

import { ApiError } from './api';
import { has, t } from './i18n.svelte';

export interface Explained {
  text: string;
  /** The server's own words, "" when they would only repeat text. */
  detail: string;
}

/** A localized sentence for an error code ("" for none), with the server's message as the detail. */
export function explainCode(code: string | undefined, message: string | undefined): Explained {
  const key = `error.${code}`;
  const text = code && has(key) ? t(key) : t('error.unknown');
  return { text, detail: message && message !== text ? message : '' };
}

export function explain(e: unknown): Explained {
  if (e instanceof ApiError) return explainCode(e.code, e.message);
  // fetch rejects with a TypeError when the server cannot be reached at all.
  if (e instanceof TypeError) return { text: t('error.offline'), detail: e.message };
  if (e instanceof Error) return explainCode(undefined, e.message);
  // A Wails binding rejects with the Go error's text.
  return explainCode(undefined, typeof e === 'string' ? e : String(e));
}

/** The explanation on one line, for places that show a single string. */
export function explainText(e: unknown): string {
  return joined(explain(e));
}

export function joined({ text, detail }: Explained): string {
  return detail ? t('error.withDetail', { text, detail }) : text;
}
