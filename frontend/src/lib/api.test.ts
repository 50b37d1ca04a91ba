import { describe, expect, it } from 'vitest';
import { Api, ApiError, exportFileName, itemsQuery, parseEvents, parseMap, type FetchFn } from './api';

interface Call {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: unknown;
}

// A scripted server: each handler answers one request in turn; every request is recorded.
function server(...answers: ((c: Call) => Response)[]) {
  const calls: Call[] = [];
  const fetchFn: FetchFn = async (url, init) => {
    const headers = (init?.headers ?? {}) as Record<string, string>;
    const raw = init?.body;
    const body = typeof raw === 'string' ? JSON.parse(raw) : raw;
    const call = { url, method: init?.method ?? 'GET', headers, body };
    calls.push(call);
    const answer = answers.shift();
    if (!answer) throw new Error(`unexpected request ${call.method} ${url}`);
    return answer(call);
  };
  return { calls, api: new Api(fetchFn) };
}

const json = (status: number, v: unknown) =>
  new Response(JSON.stringify(v), { status, headers: { 'Content-Type': 'application/json' } });
const me = (csrf: string) => () =>
  json(200, { user: 'sato', role: 'reviewer', mode: 'team', csrf, progress: { done_today: 1, left: 2, items_per_hour: 3 } });

describe('Api', () => {
  it('sends the CSRF token from /api/me on state-changing requests only', async () => {
    const { api, calls } = server(me('tok-1'), () => json(200, { items: [], total: 0 }), () =>
      json(200, { item: null, queue_empty: true }),
    );
    await api.me();
    await api.items({ status: ['pending'] });
    const r = await api.next('42');
    expect(r.queue_empty).toBe(true);
    expect(calls[0].headers['X-CSRF-Token']).toBeUndefined();
    expect(calls[1].headers['X-CSRF-Token']).toBeUndefined();
    expect(calls[2]).toMatchObject({ url: '/api/queue/next', method: 'POST', body: { skip: '42' } });
    expect(calls[2].headers['X-CSRF-Token']).toBe('tok-1');
    expect(calls[2].headers['Content-Type']).toBe('application/json');
  });

  it('sends a decision with its version and asks for the next item in the same round trip', async () => {
    const { api, calls } = server(me('t'), () =>
      json(200, { decision: { id: 1, verdict: 'accepted' }, next: { id: 'b', version: 1 } }),
    );
    await api.me();
    const r = await api.decide('a/1', { verdict: 'accepted', started_at: '2026-01-01T00:00:00Z', version: 3 });
    expect(r.next?.id).toBe('b');
    expect(calls[1].url).toBe('/api/items/a%2F1/decision?next=1');
    expect(calls[1].body).toEqual({ verdict: 'accepted', started_at: '2026-01-01T00:00:00Z', version: 3 });
  });

  it('turns error bodies into ApiError with the server message', async () => {
    const msg = 'save decision on 7: item 7 changed since you opened it; reload it';
    const { api } = server(() => json(409, { code: 'conflict', message: msg }));
    const err = await api.decide('7', { verdict: 'accepted', started_at: '', version: 1 }).catch((e) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 409, code: 'conflict', message: msg });
  });

  it('keeps the status text when an error is not JSON', async () => {
    const { api } = server(() => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    const err = await api.meta().catch((e) => e);
    expect(err).toMatchObject({ status: 502, code: 'internal', message: 'Bad Gateway' });
  });

  it('reports 401 to onUnauthorized, but not a failed login', async () => {
    const { api } = server(
      () => json(401, { code: 'unauthorized', message: 'log in first' }),
      () => json(401, { code: 'unauthorized', message: 'wrong user name or password' }),
    );
    let heard = 0;
    api.onUnauthorized = () => heard++;
    await expect(api.meta()).rejects.toMatchObject({ status: 401 });
    expect(heard).toBe(1);
    await expect(api.login('sato', 'nope')).rejects.toMatchObject({ status: 401, message: 'wrong user name or password' });
    expect(heard).toBe(1);
  });

  it('takes the CSRF token from the login and re-reads /api/me', async () => {
    const { api, calls } = server(
      () => json(200, { user: 'sato', role: 'reviewer', csrf: 'from-login' }),
      me('from-me'),
      () => json(200, { hints: [], summary_html: '<p>x</p>', rules_version: 'v' }),
    );
    const who = await api.login('sato', 'correct horse');
    expect(who.user).toBe('sato');
    expect(calls[0].body).toEqual({ user: 'sato', password: 'correct horse' });
    await api.hints('我々は', '7');
    expect(calls[2].headers['X-CSRF-Token']).toBe('from-me');
    expect(calls[2].body).toEqual({ summary: '我々は', item_id: '7' });
  });

  it('fetches a new CSRF token and retries once when the server has restarted', async () => {
    const { api, calls } = server(
      me('old'),
      () => json(403, { code: 'forbidden', message: 'missing or wrong X-CSRF-Token header: reload the page' }),
      me('new'),
      () => json(200, { undone: { id: 1 }, item: { id: 'x' } }),
    );
    await api.me();
    const r = await api.undo();
    expect(r.item.id).toBe('x');
    expect(calls.map((c) => c.headers['X-CSRF-Token'] ?? '-')).toEqual(['-', 'old', '-', 'new']);
  });

  it('does not retry other 403s', async () => {
    const { api, calls } = server(me('t'), () => json(403, { code: 'forbidden', message: 'needs the supervisor role' }));
    await api.me();
    await expect(api.putQueue({ order: 'hints', lease_minutes: 30 })).rejects.toMatchObject({ status: 403 });
    expect(calls).toHaveLength(2);
  });

  it('uploads an import as multipart without a JSON content type', async () => {
    const { api, calls } = server(me('t'), () => json(202, { id: 'job1', state: 'running' }));
    await api.me();
    const file = new File(['{"id":"1","summary":"s","score":1}\n'], 'items.jsonl');
    const job = await api.importUpload(file, { encoding: 'shift_jis', map: ' summary=text ', skip_invalid: true });
    expect(job.id).toBe('job1');
    const form = calls[1].body as FormData;
    expect(form).toBeInstanceOf(FormData);
    expect((form.get('file') as File).name).toBe('items.jsonl');
    expect(form.get('encoding')).toBe('shift_jis');
    expect(form.get('map')).toBe('summary=text');
    expect(form.get('skip_invalid')).toBe('true');
    expect(form.get('format')).toBeNull();
    expect(calls[1].headers['Content-Type']).toBeUndefined();
    expect(calls[1].headers['X-CSRF-Token']).toBe('t');
  });

  it('imports by path with the mapping as an object', async () => {
    const { api, calls } = server(me('t'), () => json(202, { id: 'job2', state: 'running' }));
    await api.me();
    await api.importPaths(['/data/table'], { format: 'delta', map: 'summary=generated_text,id=corp_no' });
    expect(calls[1].body).toEqual({
      paths: ['/data/table'],
      format: 'delta',
      map: { summary: 'generated_text', id: 'corp_no' },
    });
  });
});

describe('suggest', () => {
  const stream = (chunks: string[]) =>
    new Response(
      new ReadableStream({
        start(c) {
          for (const ch of chunks) c.enqueue(new TextEncoder().encode(ch));
          c.close();
        },
      }),
      { status: 200, headers: { 'Content-Type': 'text/event-stream' } },
    );

  it('streams deltas split anywhere, then resolves with the whole text', async () => {
    const { api, calls } = server(me('t'), () =>
      stream([
        'event: delta\ndata: "株式会社サン"\n\nevent: del',
        'ta\ndata: "プルは"\n',
        '\nevent: done\ndata: {"text":"株式会社サンプルは、","call":{"model":"m"}}\n\n',
      ]),
    );
    await api.me();
    const seen: string[] = [];
    const text = await api.suggest('7', '我々は', (d) => seen.push(d));
    expect(seen).toEqual(['株式会社サン', 'プルは']);
    expect(text).toBe('株式会社サンプルは、');
    expect(calls[1]).toMatchObject({ url: '/api/items/7/suggest', method: 'POST', body: { summary: '我々は' } });
    expect(calls[1].headers['X-CSRF-Token']).toBe('t');
  });

  it('turns an error event into ApiError', async () => {
    const { api } = server(me('t'), () =>
      stream(['event: error\ndata: {"code":"unavailable","message":"the LLM endpoint timed out"}\n\n']),
    );
    await api.me();
    await expect(api.suggest('7', '', () => {})).rejects.toMatchObject({ code: 'unavailable', message: 'the LLM endpoint timed out' });
  });

  it('reports a stream that ends without a result', async () => {
    const { api } = server(me('t'), () => stream(['event: delta\ndata: "x"\n\n']));
    await api.me();
    await expect(api.suggest('7', '', () => {})).rejects.toThrow(/without a result/);
  });

  it('reports 503 when no LLM is configured', async () => {
    const { api } = server(me('t'), () => json(503, { code: 'unavailable', message: 'no LLM configured: pass --llm-model' }));
    await api.me();
    await expect(api.suggest('7', '', () => {})).rejects.toMatchObject({ status: 503, message: 'no LLM configured: pass --llm-model' });
  });
});

describe('team and copilot calls', () => {
  it('sends a rules file as typed, so the server can say where it is wrong', async () => {
    const sent: { url: string; init?: RequestInit }[] = [];
    const api = new Api(async (url, init) => {
      sent.push({ url, init });
      return url === '/api/me'
        ? json(200, { user: 'suki', role: 'supervisor', csrf: 'c', progress: {} })
        : json(400, { code: 'invalid', message: 'rules: rule 2 (vague): field "pattern": missing' });
    });
    await api.me();
    const file = '{"rules": [\n  {"id": "x"}\n]}';
    const err = await api.putRules(file).catch((e) => e);
    expect(sent[1].url).toBe('/api/rules');
    expect(sent[1].init?.method).toBe('PUT');
    expect(sent[1].init?.body).toBe(file);
    expect((sent[1].init?.headers as Record<string, string>)['X-CSRF-Token']).toBe('c');
    expect(err).toMatchObject({ status: 400, message: 'rules: rule 2 (vague): field "pattern": missing' });
  });

  it('settles a dispute without leasing a queue item in the same round trip', async () => {
    const { api, calls } = server(me('t'), () => json(200, { decision: { id: 9, verdict: 'accepted' } }));
    await api.me();
    await api.adjudicate('7/1', { verdict: 'accepted', started_at: 's', version: 4 });
    expect(calls[1]).toMatchObject({ url: '/api/items/7%2F1/decision', method: 'POST', body: { verdict: 'accepted', version: 4 } });
  });

  const gets: { name: string; call: (api: Api) => Promise<unknown>; url: string }[] = [
    { name: 'the first audit page', call: (a) => a.audit(), url: '/api/audit?limit=100' },
    { name: 'an older audit page', call: (a) => a.audit(512, 50), url: '/api/audit?limit=50&before=512' },
    { name: 'the double-review rate', call: (a) => a.overlap(), url: '/api/settings/overlap' },
  ];
  for (const g of gets) {
    it(`asks for ${g.name}`, async () => {
      const { api, calls } = server(() => json(200, {}));
      await g.call(api);
      expect(calls[0]).toMatchObject({ url: g.url, method: 'GET' });
    });
  }

  const changes: { name: string; call: (api: Api) => Promise<unknown>; method: string; url: string; body: unknown }[] = [
    { name: 'adds a user', call: (a) => a.addUser('ren', 'reviewer', 'correct horse'), method: 'POST', url: '/api/users',
      body: { name: 'ren', role: 'reviewer', password: 'correct horse' } },
    { name: 'disables a user by an escaped name', call: (a) => a.updateUser('a.b@c', { disabled: true }), method: 'PATCH',
      url: '/api/users/a.b%40c', body: { disabled: true } },
    { name: 'sets the double-review rate', call: (a) => a.putOverlap(0.1), method: 'PUT', url: '/api/settings/overlap', body: { rate: 0.1 } },
    { name: 'rescores an edit', call: (a) => a.rescore('7', '株式会社は'), method: 'POST', url: '/api/items/7/rescore', body: { summary: '株式会社は' } },
    { name: 'starts a batch rescore', call: (a) => a.rescoreBatch('2025-10-a'), method: 'POST', url: '/api/rescores', body: { batch: '2025-10-a' } },
  ];
  for (const c of changes) {
    it(c.name, async () => {
      const { api, calls } = server(me('t'), () => json(200, {}));
      await api.me();
      await c.call(api);
      expect(calls[1]).toMatchObject({ url: c.url, method: c.method, body: c.body });
      expect(calls[1].headers['X-CSRF-Token']).toBe('t');
    });
  }
});

describe('parseEvents', () => {
  it('keeps an unfinished event for the next chunk and joins multi-line data', () => {
    expect(parseEvents('event: delta\ndata: "a"\n\ndata: x\ndata: y\n\nevent: done\nda')).toEqual({
      events: [
        { event: 'delta', data: '"a"' },
        { event: 'message', data: 'x\ny' },
      ],
      rest: 'event: done\nda',
    });
  });
  it('accepts CRLF line ends', () => {
    expect(parseEvents('event: delta\r\ndata: "a"\r\n\r\n').events).toEqual([{ event: 'delta', data: '"a"' }]);
  });
});

describe('itemsQuery', () => {
  const cases: { name: string; filter: Parameters<typeof itemsQuery>[0]; want: string }[] = [
    { name: 'nothing', filter: {}, want: '' },
    { name: 'statuses are comma-joined', filter: { status: ['pending', 'skipped'] }, want: '?status=pending%2Cskipped' },
    { name: 'score band', filter: { min_score: 8, max_score: 10 }, want: '?min_score=8&max_score=10' },
    { name: 'zero is a real bound', filter: { min_score: 0 }, want: '?min_score=0' },
    { name: 'empty bounds are left out', filter: { min_score: null, max_score: NaN }, want: '' },
    { name: 'points need a criterion', filter: { min_points: 2 }, want: '' },
    { name: 'criterion points', filter: { criterion: 'business', max_points: 2 }, want: '?criterion=business&max_points=2' },
    {
      name: 'rule, batch, reviewer, sort',
      filter: { rule: 'first_person', batch: '2025-10-a', reviewer: ' sato ', sort: '-hints' },
      want: '?rule=first_person&batch=2025-10-a&reviewer=sato&sort=-hints',
    },
    { name: 'Japanese search', filter: { q: ' 介護 ' }, want: '?q=%E4%BB%8B%E8%AD%B7' },
    { name: 'paging', filter: { limit: 50, offset: 100 }, want: '?limit=50&offset=100' },
    { name: 'first page has no offset', filter: { limit: 50, offset: 0 }, want: '?limit=50' },
    { name: 'changed', filter: { changed: true }, want: '?changed=true' },
  ];
  for (const c of cases) it(c.name, () => expect(itemsQuery(c.filter)).toBe(c.want));
});

describe('parseMap', () => {
  it('parses the CLI form', () => {
    expect(parseMap('summary=generated_text, id=corp_no,')).toEqual({ summary: 'generated_text', id: 'corp_no' });
  });
  it('names the bad pair', () => {
    expect(() => parseMap('summary')).toThrow(/"summary" is not field=column/);
    expect(() => parseMap('=x')).toThrow(/"=x"/);
  });
});

describe('exportFileName', () => {
  const cases: { name: string; req: Parameters<typeof exportFileName>[0]; want: string }[] = [
    { name: 'gold Delta table is a directory', req: { kind: 'gold', format: 'delta' }, want: '' },
    { name: 'gold by default is the Delta table', req: { kind: 'gold' }, want: '' },
    { name: 'gold CSV', req: { kind: 'gold', format: 'csv' }, want: 'gold.csv' },
    { name: 'gold JSON Lines', req: { kind: 'gold', format: 'jsonl' }, want: 'gold.jsonl' },
    { name: 'gold Parquet snapshot', req: { kind: 'gold', format: 'parquet' }, want: 'gold.parquet' },
    { name: 'every decision as a Delta table', req: { kind: 'feedback', feedback_kind: 'all', format: 'delta' }, want: '' },
    { name: 'every decision as Parquet', req: { kind: 'feedback', feedback_kind: 'all', format: 'parquet' }, want: 'decisions.parquet' },
    { name: 'the SFT set', req: { kind: 'feedback', feedback_kind: 'sft' }, want: 'sft.jsonl' },
    { name: 'the judge set', req: { kind: 'feedback', feedback_kind: 'judge' }, want: 'judge.jsonl' },
  ];
  for (const c of cases) it(c.name, () => expect(exportFileName(c.req)).toBe(c.want));
});
