// Turns GET /api/dashboard's JSON into what the dashboard draws: chart series, the threshold advisor at one T, and
// numbers with their intervals as text. Pure functions, so that each can be checked in a test without a browser.

import type { Confusion, DayPoint, Estimate, Interval, ThresholdAdvice, ThresholdRow, YieldPoint } from '../../lib/api';

export type Locale = 'ja' | 'en';

function formatter(locale: Locale, digits: number): Intl.NumberFormat {
  return new Intl.NumberFormat(locale === 'ja' ? 'ja-JP' : 'en-US', {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
}

/** A number with a fixed count of decimals; "–" for a number that does not exist (null, NaN). */
export function fixed(v: number | null | undefined, digits: number, locale: Locale): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '–' : formatter(locale, digits).format(v);
}

/** A share 0..1 as a percentage: 0.9175 -> "91.8%". */
export function pct(v: number | null | undefined, locale: Locale, digits = 1): string {
  const s = fixed(v === null || v === undefined ? v : v * 100, digits, locale);
  return s === '–' ? s : s + '%';
}

/** An interval of shares: "90.2–93.1%". */
export function pctRange(lo: number, hi: number, locale: Locale, digits = 1): string {
  return `${fixed(lo * 100, digits, locale)}–${fixed(hi * 100, digits, locale)}%`;
}

/** A share with its interval: "91.8% (90.2–93.1%)", or "– (0.0–100.0%)" when the share is unknown. */
export function pctCI(rate: number | null, lo: number, hi: number, locale: Locale, digits = 1): string {
  return `${pct(rate, locale, digits)} (${pctRange(lo, hi, locale, digits)})`;
}

/** An interval of counts: "4,357–4,467". */
export function countRange(ci: Interval, locale: Locale): string {
  return `${fixed(ci.lo, 0, locale)}–${fixed(ci.hi, 0, locale)}`;
}

/** An estimated count with its interval: "4,412 (4,357–4,467)"; an unknown one is only its bounds: "20–60". */
export function countCI(e: Estimate, locale: Locale): string {
  return e.value === null ? countRange(e.ci, locale) : `${fixed(e.value, 0, locale)} (${countRange(e.ci, locale)})`;
}

/**
 * A number with its 95% interval: "17,120 (14,373–21,200)", or the number alone when there is no interval or it is
 * the point at this precision.
 */
export function fixedCI(v: number | null, ci: Interval | null, digits: number, locale: Locale): string {
  const s = fixed(v, digits, locale);
  if (v === null || !ci) return s;
  const lo = fixed(ci.lo, digits, locale);
  const hi = fixed(ci.hi, digits, locale);
  return lo === s && hi === s ? s : `${s} (${lo}–${hi})`;
}

/** A judge-score band's name as the report writes it: "9" for a band one point wide, else "7.5–8". */
export function bandLabel(lo: number, hi: number): string {
  return hi - lo === 1 ? String(lo) : `${lo}–${hi}`;
}

/**
 * One chart series of yields: a bar (or point) per slice with its Wilson interval as a whisker. A slice without
 * reviews has no rate and no whisker (null), never a 0% bar; its n of 0 says why.
 */
export interface YieldSeries {
  labels: string[];
  rate: (number | null)[];
  lo: (number | null)[];
  hi: (number | null)[];
  n: number[];
  good: number[];
}

export function yieldSeries<P extends YieldPoint>(points: readonly P[] | null, label: (p: P) => string = (p) => p.key): YieldSeries {
  const s: YieldSeries = { labels: [], rate: [], lo: [], hi: [], n: [], good: [] };
  for (const p of points ?? []) {
    const known = p.n > 0 && p.rate !== null;
    s.labels.push(label(p));
    s.rate.push(known ? p.rate : null);
    s.lo.push(known ? p.ci_lo : null);
    s.hi.push(known ? p.ci_hi : null);
    s.n.push(p.n);
    s.good.push(p.good);
  }
  return s;
}

/** The lowest tenth at or below every interval's lower end, less a margin: the y axis floor of a yield line. */
export function lineFloor(s: YieldSeries): number {
  const lows = s.lo.filter((v): v is number => v !== null);
  return lows.length ? Math.max(0, Math.floor((Math.min(...lows) - 0.05) * 10) / 10) : 0;
}

const dayMs = 86_400_000;

/** Calendar days from first to last, both included, as YYYY-MM-DD. */
export function daysBetween(first: string, last: string): string[] {
  const out: string[] = [];
  const start = Date.parse(first + 'T00:00:00Z');
  const end = Date.parse(last + 'T00:00:00Z');
  if (!Number.isFinite(start) || !Number.isFinite(end)) return out;
  for (let t = start; t <= end && out.length < 3660; t += dayMs) out.push(new Date(t).toISOString().slice(0, 10));
  return out;
}

/**
 * The yield over days for a line with a band: every calendar day from the first to the last with decisions, so
 * that a day without reviews shows as a gap in the line rather than being skipped over.
 */
export function daySeries(days: readonly DayPoint[] | null): YieldSeries & { reviews: number[] } {
  const byDay = new Map((days ?? []).map((d) => [d.day, d]));
  const sorted = [...byDay.keys()].sort();
  const all = sorted.length ? daysBetween(sorted[0], sorted[sorted.length - 1]) : [];
  const empty = (day: string): DayPoint => ({
    day, key: day, n: 0, good: 0, accepted: 0, edited: 0, rejected: 0, rate: null, ci_lo: 0, ci_hi: 1,
    decisions: 0, reviews: 0, skips: 0, active_hours: 0, items_per_hour: null,
  });
  const points = all.map((day) => byDay.get(day) ?? empty(day));
  return { ...yieldSeries(points, (p) => p.day), reviews: points.map((p) => p.reviews) };
}

/** The advisor's row for threshold t, or the nearest one below it (the slider only offers the advisor's own). */
export function adviceAt(advisor: readonly ThresholdAdvice[] | null, t: number): ThresholdAdvice | null {
  let best: ThresholdAdvice | null = null;
  for (const a of advisor ?? []) if (a.threshold <= t && (!best || a.threshold > best.threshold)) best = a;
  return best ?? advisor?.[0] ?? null;
}

/** The server's row that passes the same items as threshold t: the lowest reviewed score at or above t. */
export function reviewedRowAt(rows: readonly ThresholdRow[] | null, t: number): ThresholdRow | null {
  let best: ThresholdRow | null = null;
  for (const r of rows ?? []) if (r.threshold >= t && (!best || r.threshold < best.threshold)) best = r;
  return best;
}

/**
 * The judge-vs-human table at threshold t: items scored >= t pass. The server gives one row per distinct reviewed
 * score, and "score >= t" passes the same items as "score >= the lowest reviewed score at or above t", so that row
 * is the answer. Above every reviewed score nothing passes: every good item is a false negative.
 */
export function thresholdAt(rows: readonly ThresholdRow[] | null, t: number, good: number, bad: number): ThresholdRow {
  const best = reviewedRowAt(rows, t);
  if (best) return { ...best, threshold: t };
  const c: Confusion = { tp: 0, fp: 0, fn: good, tn: bad };
  const total = good + bad;
  const share = (count: number, of: number) => ({ count, total: of, rate: of ? count / of : null, ci: { lo: 0, hi: 1 } });
  return {
    threshold: t,
    confusion: c,
    precision: null,
    recall: good ? 0 : null,
    accuracy: total ? bad / total : null,
    // A judge that fails everything agrees with people no better than chance: kappa 0, undefined if people agree
    // with themselves too (all good or all bad), as review.CohenKappa has it.
    kappa: good && bad ? 0 : null,
    bad_in_accepted: share(0, 0),
    bad_accepted: share(0, bad),
    good_discarded: share(good, good),
    good_in_discarded: share(good, total),
  };
}

/** ROC curve points of the judge score, from "everything passes" (1, 1) to "nothing passes" (0, 0). */
export function rocPoints(rows: readonly ThresholdRow[] | null): { x: number; y: number; t: number | null }[] {
  const pts: { x: number; y: number; t: number | null }[] = [];
  for (const r of rows ?? []) {
    if (r.bad_accepted.rate === null || r.recall === null) continue;
    pts.push({ x: r.bad_accepted.rate, y: r.recall, t: r.threshold });
  }
  if (!pts.length) return [];
  pts.push({ x: 0, y: 0, t: null });
  pts.sort((a, b) => a.x - b.x || a.y - b.y);
  return pts;
}

/** A day's YYYY-MM-DD checked for the date inputs; anything else is dropped. */
export function validDay(s: string | undefined): string {
  return s && /^\d{4}-\d{2}-\d{2}$/.test(s) && Number.isFinite(Date.parse(s + 'T00:00:00Z')) ? s : '';
}
