import { describe, expect, it, vi } from 'vitest';
import { Api, type FetchFn } from './api';
import { Suggestion } from './suggest.svelte';

// A server-sent event stream the test writes into, on a fetch that behaves like the browser's when the request is
// aborted: the body errors with an AbortError, and the request's signal tells the "server" the client went away.
function llmServer() {
  const requests: { url: string; body: unknown; signal: AbortSignal }[] = [];
  const streams: ReadableStreamDefaultController<Uint8Array>[] = [];
  const enc = new TextEncoder();
  const fetchFn: FetchFn = async (url, init) => {
    if (url === '/api/me') {
      return new Response(JSON.stringify({ user: 'sato', role: 'reviewer', csrf: 'tok', progress: {} }), { status: 200 });
    }
    const signal = init!.signal!;
    requests.push({ url, body: JSON.parse(String(init!.body)), signal });
    if (url.includes('/items/off/')) {
      return new Response(JSON.stringify({ code: 'unavailable', message: 'LLM not configured: start reviewdesk with --llm-url' }), {
        status: 503,
      });
    }
    let ctrl!: ReadableStreamDefaultController<Uint8Array>;
    const body = new ReadableStream<Uint8Array>({ start: (c) => void (ctrl = c) });
    streams.push(ctrl);
    signal.addEventListener('abort', () => ctrl.error(new DOMException('aborted', 'AbortError')));
    return new Response(body, { status: 200, headers: { 'Content-Type': 'text/event-stream' } });
  };
  const send = (i: number, event: string, data: unknown) => {
    try {
      streams[i].enqueue(enc.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
    } catch {
      // the client went away: nothing reaches it any more
    }
  };
  return { api: new Api(fetchFn), requests, send, opened: () => streams.length };
}

describe('Suggestion', () => {
  it('shows the text as it streams, then the whole suggestion against the text it rewrites', async () => {
    const srv = llmServer();
    const s = new Suggestion(srv.api);
    const done = s.start('7', '我々は大阪でポンプを作っています。');
    expect(s.state).toBe('streaming');
    await vi.waitFor(() => expect(srv.opened()).toBe(1));
    expect(srv.requests[0]).toMatchObject({ url: '/api/items/7/suggest', body: { summary: '我々は大阪でポンプを作っています。' } });
    srv.send(0, 'delta', '株式会社サンプルは、');
    await vi.waitFor(() => expect(s.text).toBe('株式会社サンプルは、'));
    srv.send(0, 'delta', '大阪府で');
    await vi.waitFor(() => expect(s.text).toBe('株式会社サンプルは、大阪府で'));
    expect(s.state).toBe('streaming');
    srv.send(0, 'done', { text: '株式会社サンプルは、大阪府でポンプを製造しています。', call: { model: 'm' } });
    await done;
    expect(s.state).toBe('done');
    expect(s.text).toBe('株式会社サンプルは、大阪府でポンプを製造しています。');
    expect(s.base).toBe('我々は大阪でポンプを作っています。');
    expect(s.itemId).toBe('7');
  });

  it('cancelling aborts the request and nothing of it shows afterwards', async () => {
    const srv = llmServer();
    const s = new Suggestion(srv.api);
    const done = s.start('7', 'a');
    await vi.waitFor(() => expect(srv.opened()).toBe(1));
    srv.send(0, 'delta', '途中');
    await vi.waitFor(() => expect(s.text).toBe('途中'));
    s.cancel();
    expect(srv.requests[0].signal.aborted).toBe(true);
    expect(s.state).toBe('idle');
    expect(s.text).toBe('');
    srv.send(0, 'delta', 'late');
    await done;
    expect(s.state).toBe('idle');
    expect(s.text).toBe('');
    expect(s.error).toBe('');
  });

  it('a new request replaces the one in flight, whose late answer is dropped', async () => {
    const srv = llmServer();
    const s = new Suggestion(srv.api);
    const first = s.start('7', 'first');
    await vi.waitFor(() => expect(srv.opened()).toBe(1));
    const second = s.start('8', 'second');
    expect(srv.requests[0].signal.aborted).toBe(true);
    await vi.waitFor(() => expect(srv.opened()).toBe(2));
    srv.send(0, 'done', { text: 'for item 7' });
    await first;
    srv.send(1, 'done', { text: 'for item 8' });
    await second;
    expect(s).toMatchObject({ state: 'done', text: 'for item 8', itemId: '8', base: 'second' });
  });

  const failures: { name: string; item: string; event?: unknown; want: RegExp }[] = [
    { name: 'an error event from the LLM', item: '7', event: { code: 'unavailable', message: 'the LLM endpoint timed out' }, want: /timed out/ },
    { name: 'no LLM configured (503)', item: 'off', want: /--llm-url/ },
  ];
  for (const f of failures) {
    it(`shows ${f.name} as an error`, async () => {
      const srv = llmServer();
      const s = new Suggestion(srv.api);
      const done = s.start(f.item, 'x');
      if (f.event) {
        await vi.waitFor(() => expect(srv.opened()).toBe(1));
        srv.send(0, 'error', f.event);
      }
      await done;
      expect(s.state).toBe('error');
      expect(s.error).toMatch(f.want);
      expect(s.active).toBe(true);
    });
  }
});
