// The copilot's suggested fix for one item: its text as it streams in, then the whole text to compare against the
// text it rewrote. Cancelling aborts the request, which makes the server cancel the LLM call; an answer that comes
// back after a cancel (or after a newer request) is dropped, so a suggestion never lands on another item.

import type { Api } from './api';
import { explainText } from './errors';

export type SuggestState = 'idle' | 'streaming' | 'done' | 'error';

export class Suggestion {
  state = $state<SuggestState>('idle');
  /** What the model has written so far; the whole suggestion once done. */
  text = $state('');
  /** The text the suggestion rewrites: the summary, or the reviewer's edit in progress. */
  base = $state('');
  /** The item it is for. */
  itemId = $state('');
  error = $state('');

  private ctrl: AbortController | null = null;

  constructor(private readonly api: Pick<Api, 'suggest'>) {}

  get active(): boolean {
    return this.state !== 'idle';
  }

  /** Asks for a fix of base; resolves when the suggestion is complete, failed or cancelled. */
  async start(itemId: string, base: string): Promise<void> {
    this.cancel();
    const ctrl = new AbortController();
    this.ctrl = ctrl;
    this.itemId = itemId;
    this.base = base;
    this.text = '';
    this.error = '';
    this.state = 'streaming';
    let streamed = '';
    try {
      const whole = await this.api.suggest(
        itemId,
        base,
        (chunk) => {
          if (this.ctrl !== ctrl) return;
          streamed += chunk;
          this.text = streamed;
        },
        ctrl.signal,
      );
      if (this.ctrl !== ctrl) return;
      this.text = whole;
      this.state = 'done';
    } catch (e) {
      if (this.ctrl !== ctrl) return;
      this.error = explainText(e);
      this.state = 'error';
    } finally {
      if (this.ctrl === ctrl) this.ctrl = null;
    }
  }

  /** Stops a suggestion being written (the server cancels the call) and forgets any suggestion shown. */
  cancel(): void {
    this.ctrl?.abort();
    this.ctrl = null;
    this.state = 'idle';
    this.text = '';
    this.error = '';
  }
}
