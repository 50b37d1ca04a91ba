import { describe, expect, it } from 'vitest';
import { hashOf, parseHash } from './router.svelte';

describe('routes', () => {
  const cases: { hash: string; want: ReturnType<typeof parseHash> }[] = [
    { hash: '', want: { page: 'review' } },
    { hash: '#/', want: { page: 'review' } },
    { hash: '#/queue', want: { page: 'queue' } },
    { hash: '#/settings', want: { page: 'settings' } },
    { hash: '#/adjudication', want: { page: 'adjudication' } },
    { hash: '#/audit', want: { page: 'audit' } },
    { hash: '#/users', want: { page: 'users' } },
    { hash: '#/nowhere', want: { page: 'review' } },
    { hash: '#/review/7000000000001', want: { page: 'review', id: '7000000000001' } },
    { hash: '#/review/a%2Fb%20c', want: { page: 'review', id: 'a/b c' } },
    { hash: '#/queue/7', want: { page: 'queue' } },
    { hash: '#/dashboard?batch=2025-10-a&from=2026-11-01', want: { page: 'dashboard' } },
  ];
  for (const c of cases) it(c.hash || '(empty)', () => expect(parseHash(c.hash)).toEqual(c.want));

  it('round-trip item ids with any characters', () => {
    for (const id of ['7000000000001', 'a/b', '株式会社#1', '100%']) {
      expect(parseHash(hashOf({ page: 'review', id }))).toEqual({ page: 'review', id });
    }
  });
});
