import { describe, expect, it } from 'vitest';
import type { Job } from './api';
import { i18n } from './i18n.svelte';
import { stepText } from './job';

const job = (over: Partial<Job>): Job => ({ id: 'j', kind: 'rescore', state: 'running', done: 0, total: 0, unit: 'items', started: '', ...over });

describe('stepText', () => {
  const cases: { name: string; job: Job; ja: string; en: string }[] = [
    {
      name: 'rescore',
      job: job({ step: { code: 'rescore', model: 'fake-model', counts: { scored: 4, failed: 0 } }, message: 'rescoring with fake-model: 4 scored, 0 failed' }),
      ja: 'fake-model で再採点中: 4件を採点、0件が失敗',
      en: 'Rescoring with fake-model: 4 scored, 0 failed',
    },
    {
      name: 'import',
      job: job({ kind: 'import', step: { code: 'import.file', file: 'a.jsonl', counts: { added: 1200, unchanged: 3 } } }),
      ja: 'a.jsonl: 1,200件を追加、3件は変更なし',
      en: 'a.jsonl: 1,200 added, 3 unchanged',
    },
    { name: 'export rows', job: job({ kind: 'export', done: 8192, step: { code: 'export.gold' } }), ja: '承認済みの行を書き出しています（8,192行）', en: 'Writing approved rows (8,192)' },
    { name: 'no step yet', job: job({}), ja: '', en: '' },
    { name: 'a step from a newer server', job: job({ step: { code: 'later' }, message: 'doing later things' }), ja: 'doing later things', en: 'doing later things' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      i18n.lang = 'ja';
      expect(stepText(c.job)).toBe(c.ja);
      i18n.lang = 'en';
      expect(stepText(c.job)).toBe(c.en);
    });
  }
});
