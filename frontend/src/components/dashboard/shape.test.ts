import { describe, expect, it } from 'vitest';
import type { DayPoint, ThresholdAdvice, ThresholdRow, YieldPoint } from '../../lib/api';
import { dashboardQuery, parseDashboardQuery } from '../../lib/api';
import {
  adviceAt,
  bandLabel,
  countCI,
  daySeries,
  daysBetween,
  fixedCI,
  lineFloor,
  pct,
  pctCI,
  rocPoints,
  thresholdAt,
  validDay,
  yieldSeries,
} from './shape';

const point = (key: string, accepted: number, edited: number, rejected: number, lo: number, hi: number): YieldPoint => {
  const n = accepted + edited + rejected;
  return { key, n, good: accepted + edited, accepted, edited, rejected, rate: n ? (accepted + edited) / n : null, ci_lo: lo, ci_hi: hi };
};

const day = (d: string, p: YieldPoint, reviews = p.n): DayPoint => ({
  ...p, day: d, key: d, decisions: reviews, reviews, skips: 0, active_hours: 1, items_per_hour: reviews,
});

const proportion = (count: number, total: number) => ({ count, total, rate: total ? count / total : null, ci: { lo: 0.1, hi: 0.2 } });

const row = (threshold: number, tp: number, fp: number, fn: number, tn: number): ThresholdRow => ({
  threshold,
  confusion: { tp, fp, fn, tn },
  precision: tp + fp ? tp / (tp + fp) : null,
  recall: tp + fn ? tp / (tp + fn) : null,
  accuracy: (tp + tn) / (tp + fp + fn + tn),
  kappa: 0.3,
  bad_in_accepted: proportion(fp, tp + fp),
  bad_accepted: proportion(fp, fp + tn),
  good_discarded: proportion(fn, tp + fn),
  good_in_discarded: proportion(fn, fn + tn),
});

describe('number formatting', () => {
  const cases: { name: string; got: () => string; want: string }[] = [
    { name: 'a share as a percentage', got: () => pct(0.91752, 'en'), want: '91.8%' },
    { name: 'whole percent', got: () => pct(0.5, 'ja', 0), want: '50%' },
    { name: 'a missing share is a dash, not 0%', got: () => pct(null, 'en'), want: '–' },
    { name: 'NaN is a dash', got: () => pct(Number.NaN, 'en'), want: '–' },
    { name: 'a share with its interval', got: () => pctCI(0.9175, 0.9023, 0.9306, 'en'), want: '91.8% (90.2–93.1%)' },
    { name: 'no share still shows the interval', got: () => pctCI(null, 0, 1, 'ja'), want: '– (0.0–100.0%)' },
    { name: 'a count estimate with thousands separators', got: () => countCI({ value: 4411.77, ci: { lo: 4356.8, hi: 4466.7 } }, 'en'), want: '4,412 (4,357–4,467)' },
    { name: 'an unknown count is its bounds', got: () => countCI({ value: null, ci: { lo: 0, hi: 1200 } }, 'ja'), want: '0–1,200' },
    { name: 'a cost with its interval', got: () => fixedCI(17120, { lo: 14373.3, hi: 21200 }, 0, 'en'), want: '17,120 (14,373–21,200)' },
    { name: 'an interval that is the point is left out', got: () => fixedCI(62.5, { lo: 62.52, hi: 62.46 }, 1, 'en'), want: '62.5' },
    { name: 'no interval: the number alone', got: () => fixedCI(38.2, null, 1, 'ja'), want: '38.2' },
    { name: 'no number: a dash', got: () => fixedCI(null, { lo: 1, hi: 2 }, 1, 'en'), want: '–' },
    { name: 'a band one point wide', got: () => bandLabel(9, 10), want: '9' },
    { name: 'a band of half a point', got: () => bandLabel(7.5, 8), want: '7.5–8' },
  ];
  for (const c of cases) it(c.name, () => expect(c.got()).toBe(c.want));
});

describe('yieldSeries', () => {
  it('keeps the order, with rates and whiskers; a slice without reviews has neither', () => {
    const s = yieldSeries([point('a', 8, 1, 1, 0.6, 0.97), point('b', 0, 0, 0, 0, 1), point('c', 0, 0, 4, 0, 0.49)]);
    expect(s.labels).toEqual(['a', 'b', 'c']);
    expect(s.rate).toEqual([0.9, null, 0]);
    expect(s.lo).toEqual([0.6, null, 0]);
    expect(s.hi).toEqual([0.97, null, 0.49]);
    expect(s.n).toEqual([10, 0, 4]);
    expect(s.good).toEqual([9, 0, 0]);
  });
  it('labels with the given function', () => {
    expect(yieldSeries([{ ...point('9', 1, 0, 0, 0.2, 1), band: 9, lo: 9, hi: 10, items: 3, auto_discarded: 0 }], (b) => bandLabel(b.lo, b.hi)).labels).toEqual(['9']);
  });
  it('takes null (a slice the server left empty)', () => {
    expect(yieldSeries(null).labels).toEqual([]);
  });
});

describe('daySeries', () => {
  it('fills the days between with gaps, in calendar order', () => {
    const s = daySeries([day('2026-11-13', point('', 1, 0, 1, 0.1, 0.9)), day('2026-11-11', point('', 3, 0, 1, 0.3, 0.95))]);
    expect(s.labels).toEqual(['2026-11-11', '2026-11-12', '2026-11-13']);
    expect(s.rate).toEqual([0.75, null, 0.5]);
    expect(s.lo).toEqual([0.3, null, 0.1]);
    expect(s.reviews).toEqual([4, 0, 2]);
  });
  it('crosses a month and a year end', () => {
    expect(daysBetween('2026-12-30', '2027-01-02')).toEqual(['2026-12-30', '2026-12-31', '2027-01-01', '2027-01-02']);
  });
  it('puts the line chart\'s floor below every interval', () => {
    expect(lineFloor(yieldSeries([point('a', 9, 0, 1, 0.74, 0.98), point('b', 0, 0, 0, 0, 1)]))).toBe(0.6);
    expect(lineFloor(yieldSeries([point('a', 1, 0, 9, 0.02, 0.4)]))).toBe(0);
    expect(lineFloor(yieldSeries([]))).toBe(0);
  });
  it('is empty without days', () => {
    expect(daySeries([]).labels).toEqual([]);
    expect(daySeries(null).labels).toEqual([]);
  });
});

describe('thresholdAt', () => {
  const rows = [row(4, 50, 10, 0, 0), row(7, 40, 4, 10, 6), row(9, 20, 1, 30, 9)];
  it('uses the row of the threshold itself', () => {
    expect(thresholdAt(rows, 7, 50, 10).confusion).toEqual({ tp: 40, fp: 4, fn: 10, tn: 6 });
  });
  it('between reviewed scores, the next reviewed score up passes the same items', () => {
    const r = thresholdAt(rows, 8, 50, 10);
    expect(r.threshold).toBe(8);
    expect(r.confusion).toEqual({ tp: 20, fp: 1, fn: 30, tn: 9 });
  });
  it('below every reviewed score everything passes', () => {
    expect(thresholdAt(rows, 1, 50, 10).confusion).toEqual({ tp: 50, fp: 10, fn: 0, tn: 0 });
  });
  it('above every reviewed score nothing passes: every good item is lost', () => {
    const r = thresholdAt(rows, 10, 50, 10);
    expect(r.confusion).toEqual({ tp: 0, fp: 0, fn: 50, tn: 10 });
    expect(r.precision).toBeNull();
    expect(r.recall).toBe(0);
    expect(r.kappa).toBe(0);
    expect(r.good_discarded.rate).toBe(1);
  });
  it('with no reviews there is nothing to say', () => {
    const r = thresholdAt(null, 5, 0, 0);
    expect(r.confusion).toEqual({ tp: 0, fp: 0, fn: 0, tn: 0 });
    expect([r.precision, r.recall, r.accuracy, r.kappa]).toEqual([null, null, null, null]);
  });
});

describe('adviceAt', () => {
  const advice = (threshold: number): ThresholdAdvice => ({
    threshold, band: threshold, accepted_items: 0, discarded_items: 0, complete: true,
    bad_in_accepted: { value: threshold / 100, ci: { lo: 0, hi: 1 } }, bad_accepted_items: { value: 0, ci: { lo: 0, hi: 0 } },
    good_discarded: { value: 0, ci: { lo: 0, hi: 0 } }, good_discarded_items: { value: 0, ci: { lo: 0, hi: 0 } },
    covered: { accepted_items: 0, discarded_items: 0, bad_in_accepted: { value: null, ci: { lo: 0, hi: 1 } }, good_discarded: { value: 0, ci: { lo: 0, hi: 0 } } },
    uncovered_bands: [],
    sample: { bad_in_accepted: proportion(0, 0), good_discarded: proportion(0, 0) },
  });
  const rows = [advice(4), advice(5), advice(7)];
  const cases: [number, number | null][] = [[4, 4], [6, 5], [7, 7], [10, 7], [1, 4]];
  for (const [t, want] of cases) it(`T=${t}`, () => expect(adviceAt(rows, t)?.threshold).toBe(want));
  it('none without advice', () => expect(adviceAt([], 5)).toBeNull());
});

describe('rocPoints', () => {
  it('runs from (0,0) to (1,1) in order of the bad share passed', () => {
    const pts = rocPoints([row(4, 50, 10, 0, 0), row(7, 40, 4, 10, 6), row(9, 20, 1, 30, 9)]);
    expect(pts.map((p) => [p.x, p.y, p.t])).toEqual([
      [0, 0, null],
      [0.1, 0.4, 9],
      [0.4, 0.8, 7],
      [1, 1, 4],
    ]);
  });
  it('is empty when one class is empty', () => {
    expect(rocPoints([row(4, 5, 0, 0, 0)])).toEqual([]);
  });
});

describe('dashboard parameters in the address', () => {
  it('round-trips every filter and cost input', () => {
    const p = { batch: '2025-10-a', from: '2026-11-01', to: '2026-11-30', wage: 1200, generation_cost: 0.25, judge_cost: 0.1, population: 4000000, write_minutes: 12 };
    expect(parseDashboardQuery(dashboardQuery(p))).toEqual(p);
  });
  it('leaves out what is unset, so the server applies its defaults', () => {
    expect(dashboardQuery({ batch: '', from: '2026-11-01', wage: null, population: undefined })).toBe('from=2026-11-01');
  });
  it('encodes a hostile batch name as data', () => {
    const batch = '</title><script>alert(1)</script>&to=x';
    const q = dashboardQuery({ batch });
    expect(q).not.toContain('<');
    expect(parseDashboardQuery(q)).toEqual({ batch });
  });
  it('drops malformed days and numbers', () => {
    expect(parseDashboardQuery('from=yesterday&to=2026-11-31x&wage=abc&population=1.5&judge_cost=-1')).toEqual({});
  });
  it('checks days for the date inputs', () => {
    expect(validDay('2026-11-05')).toBe('2026-11-05');
    expect(validDay('2026-13-45')).toBe('');
    expect(validDay(undefined)).toBe('');
  });
});
