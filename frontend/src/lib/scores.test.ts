import { describe, expect, it } from 'vitest';
import type { Rescore, Rubric } from './api';
import { movement, scoreRows } from './scores';

const rubric: Rubric = {
  max_score: 10,
  criteria: [
    { name: 'business', max: 4, description: '事業内容が明確' },
    { name: 'third_person', max: 3 },
    { name: 'relevance', max: 3 },
  ],
};
const rescore = (scores: Record<string, number>): Rescore => ({ scores, total: 0, max: 10 });

describe('scoreRows', () => {
  const cases: {
    name: string;
    scores: Record<string, number> | null;
    rubric?: Rubric;
    rescore?: Rescore;
    want: { name: string; max: number; judge: number | null; now?: number | null }[];
  }[] = [
    {
      name: 'rubric order, criteria the item has',
      scores: { relevance: 3, business: 4 },
      rubric,
      want: [
        { name: 'business', max: 4, judge: 4 },
        { name: 'relevance', max: 3, judge: 3 },
      ],
    },
    {
      name: 'a rescore beside each judge score',
      scores: { business: 4, third_person: 3, relevance: 3 },
      rubric,
      rescore: rescore({ business: 2, third_person: 3, relevance: 1 }),
      want: [
        { name: 'business', max: 4, judge: 4, now: 2 },
        { name: 'third_person', max: 3, judge: 3, now: 3 },
        { name: 'relevance', max: 3, judge: 3, now: 1 },
      ],
    },
    {
      name: 'a criterion only the rescore has, and one it left out',
      scores: { business: 4 },
      rubric,
      rescore: rescore({ third_person: 1 }),
      want: [
        { name: 'business', max: 4, judge: 4, now: null },
        { name: 'third_person', max: 3, judge: null, now: 1 },
      ],
    },
    {
      name: 'criteria outside the rubric come last, sorted, with the largest points as the maximum',
      scores: { zeta: 2, business: 1, alpha: 5 },
      rubric,
      rescore: rescore({ zeta: 7 }),
      want: [
        { name: 'business', max: 4, judge: 1, now: null },
        { name: 'alpha', max: 5, judge: 5, now: null },
        { name: 'zeta', max: 7, judge: 2, now: 7 },
      ],
    },
    { name: 'no scores, no rubric', scores: null, want: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const rows = scoreRows({ scores: c.scores }, c.rubric, c.rescore);
      expect(rows.map(({ name, max, judge, now }) => (c.rescore ? { name, max, judge, now } : { name, max, judge }))).toEqual(c.want);
    });
  }

  it('keeps the description for the tooltip', () => {
    expect(scoreRows({ scores: { business: 1 } }, rubric)[0].description).toBe('事業内容が明確');
  });
});

describe('movement', () => {
  const cases: [number | null, number | null | undefined, string][] = [
    [3, 4, 'up'],
    [4, 3, 'down'],
    [3, 3, 'same'],
    [null, 3, 'none'],
    [3, null, 'none'],
    [3, undefined, 'none'],
  ];
  for (const [a, b, want] of cases) it(`${a} → ${b} is ${want}`, () => expect(movement(a, b)).toBe(want));
});
