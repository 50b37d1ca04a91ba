// Timings the benchmark (e2e/perf.mjs) reads: from the key press of a verdict to the next item painted, and when
// the first item was painted. performance.mark/measure make them visible in the browser's profiler too.

import { tick } from 'svelte';

export interface PerfLog {
  /** Milliseconds from keydown to the next item painted, one per decision. */
  decide: number[];
  /** Of which the round trip of POST /api/items/{id}/decision?next=1, from keydown to the answer parsed. */
  roundTrip: number[];
  /** performance.now() when the first item was painted. */
  firstItem?: number;
}

declare global {
  interface Window {
    __reviewdeskPerf?: PerfLog;
  }
}

function log(): PerfLog | null {
  if (typeof window === 'undefined') return null;
  return (window.__reviewdeskPerf ??= { decide: [], roundTrip: [] });
}

/** Resolves after Svelte has updated the DOM and the browser has painted it. */
export async function painted(): Promise<void> {
  await tick();
  await new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
}

let seq = 0;

export interface Measurement {
  /** The server's answer is in: marks the end of the round trip. */
  answered(): void;
  /** Ends the measurement after the next paint. */
  done(): Promise<void>;
}

/** Starts a keypress-to-paint measurement at the key event's own time stamp, so input latency counts too. */
export function startDecision(at?: number): Measurement {
  const name = `decide-${++seq}`;
  const start = performance.mark(name, at === undefined ? undefined : { startTime: at }).startTime;
  return {
    answered: () => {
      log()?.roundTrip.push(performance.now() - start);
    },
    done: async () => {
      await painted();
      const m = performance.measure(name + '-paint', name);
      log()?.decide.push(m.duration);
      performance.clearMarks(name);
      performance.clearMeasures(name + '-paint');
    },
  };
}

export function firstItemPainted() {
  const l = log();
  if (l && l.firstItem === undefined) {
    l.firstItem = performance.now();
    performance.mark('first-item');
  }
}
