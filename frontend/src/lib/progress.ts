// The header's progress, moved by a decision at once rather than on the next GET /api/me.

import type { Decision, Progress } from './api';

const reviewed = new Set(['accepted', 'edited', 'rejected']);

/**
 * The progress after counting a decision (sign 1) or taking an undone one back (sign -1), by the server's own sums
 * (Service.Progress): done_today counts reviewed items; the pace is every decision of the day, skips included, over
 * the seconds they took. The decision count is not sent, so it is recovered from the pace and the seconds.
 */
export function progressAfter(p: Progress, d: Pick<Decision, 'verdict' | 'seconds'>, sign: 1 | -1): Progress {
  const decisions = Math.max(0, Math.round((p.items_per_hour * p.seconds_today) / 3600) + sign);
  const seconds = Math.max(0, p.seconds_today + sign * (d.seconds || 0));
  const next = { ...p, seconds_today: seconds, items_per_hour: seconds > 0 ? decisions / (seconds / 3600) : 0 };
  if (reviewed.has(d.verdict)) {
    next.done_today = Math.max(0, p.done_today + sign);
    next.left = Math.max(0, p.left - sign);
  }
  return next;
}
