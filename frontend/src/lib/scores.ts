// The judge's scores of an item as rows to draw, and, after a rescore of the reviewer's text, the new points beside
// the judge's original ones: whether the edit fixed what the judge cares about.

import type { Item, Rescore, Rubric } from './api';

export interface ScoreRow {
  name: string;
  description: string;
  max: number;
  /** The judge's original points; null when the item came without a score for this criterion. */
  judge: number | null;
  /** The rescore's points; undefined without a rescore, null when the rescore did not score this criterion. */
  now?: number | null;
}

/**
 * Rubric criteria first, in the rubric's order, then any the item or the rescore has that the rubric does not name
 * (sorted). A criterion without a maximum anywhere takes the largest points seen, so its bar is full, not empty.
 */
export function scoreRows(item: Pick<Item, 'scores'>, rubric: Rubric | undefined, rescore?: Rescore | null): ScoreRow[] {
  const judge = item.scores ?? {};
  const again = rescore?.scores;
  const known = rubric?.criteria ?? [];
  const points = (m: Record<string, number> | undefined, name: string) => (m && name in m ? m[name] : null);
  const row = (name: string, description: string, max: number): ScoreRow => {
    const r: ScoreRow = { name, description, max, judge: points(judge, name) };
    if (rescore) r.now = points(again, name);
    return r;
  };
  const rows = known
    .filter((c) => c.name in judge || (again && c.name in again))
    .map((c) => row(c.name, c.description ?? '', c.max));
  const extra = new Set([...Object.keys(judge), ...Object.keys(again ?? {})].filter((n) => !known.some((c) => c.name === n)));
  for (const name of [...extra].sort()) {
    rows.push(row(name, '', Math.max(1, points(judge, name) ?? 0, points(again, name) ?? 0)));
  }
  return rows;
}

/** How a rescore moved a number: up, down or not at all; "none" when either side is missing. */
export function movement(before: number | null, after: number | null | undefined): 'up' | 'down' | 'same' | 'none' {
  if (before === null || after === null || after === undefined) return 'none';
  if (after > before) return 'up';
  if (after < before) return 'down';
  return 'same';
}
