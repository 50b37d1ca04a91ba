import { describe, expect, it } from 'vitest';
import type { Progress } from './api';
import { progressAfter } from './progress';

const start: Progress = { user: 'sato', done_today: 0, left: 10, items_per_hour: 0, seconds_today: 0 };

describe('progressAfter', () => {
  it('gives a pace from the first decision on, not 0', () => {
    const p = progressAfter(start, { verdict: 'accepted', seconds: 12 }, 1);
    expect(p.done_today).toBe(1);
    expect(p.left).toBe(9);
    expect(p.seconds_today).toBe(12);
    expect(p.items_per_hour).toBe(300);
  });

  it('follows the server: every decision counts for the pace, only reviews for the count', () => {
    // As GET /api/me would say after 3 decisions in 90 s: 120 an hour.
    const server: Progress = { ...start, done_today: 3, left: 7, items_per_hour: 120, seconds_today: 90 };
    const skipped = progressAfter(server, { verdict: 'skipped', seconds: 30 }, 1);
    expect(skipped.done_today).toBe(3);
    expect(skipped.left).toBe(7);
    expect(skipped.items_per_hour).toBeCloseTo(4 / (120 / 3600));
    const edited = progressAfter(skipped, { verdict: 'edited', seconds: 60 }, 1);
    expect(edited.done_today).toBe(4);
    expect(edited.items_per_hour).toBeCloseTo(5 / (180 / 3600));
  });

  it('takes an undone decision back', () => {
    const one = progressAfter(start, { verdict: 'rejected', seconds: 20 }, 1);
    const two = progressAfter(one, { verdict: 'accepted', seconds: 10 }, 1);
    const back = progressAfter(two, { verdict: 'accepted', seconds: 10 }, -1);
    expect(back.done_today).toBe(1);
    expect(back.left).toBe(9);
    expect(back.seconds_today).toBe(20);
    expect(back.items_per_hour).toBeCloseTo(180);
    const none = progressAfter(back, { verdict: 'rejected', seconds: 20 }, -1);
    expect(none).toMatchObject({ done_today: 0, left: 10, seconds_today: 0, items_per_hour: 0 });
  });
});
