// Timings the benchmark (e2e/perf.mjs) reads: from the key press of a verdict to the next item painted, and when
// the first item was painted. performance.mark/measure make them visible in the browser's profiler too.

import { tick } from 'svelte';

export interface PerfLog {
  /** Milliseconds from keydown to the next item painted, one per decision. */
  decide: number[];
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
  return (window.__reviewdeskPerf ??= { decide: [] });
}

/** Resolves after Svelte has updated the DOM and the browser has painted it. */
export async function painted(): Promise<void> {
  await tick();
  await new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve())));
}

let seq = 0;

/** Starts a keypress-to-paint measurement; the returned function ends it after the next paint. */
export function startDecision(): () => Promise<void> {
  const name = `decide-${++seq}`;
  performance.mark(name);
  return async () => {
    await painted();
    const m = performance.measure(name + '-paint', name);
    log()?.decide.push(m.duration);
    performance.clearMarks(name);
    performance.clearMeasures(name + '-paint');
  };
}

export function firstItemPainted() {
  const l = log();
  if (l && l.firstItem === undefined) {
    l.firstItem = performance.now();
    performance.mark('first-item');
  }
}
