// Timings the benchmark (e2e/perf.mjs) reads: from the key press of a verdict to the next item painted, and when
// the first item was painted. performance.mark/measure make them visible in the browser's profiler too.
//
// "Painted" is taken two ways. Where the browser supports Element Timing (Chromium), the item heading carries
// elementtiming="item" and is created anew for each item, so the browser reports when the frame that shows the
// next item was presented: the paint itself. Everywhere, and for comparison, it is also taken as the second
// requestAnimationFrame after the DOM update, which lands one frame after that paint and so overstates by up to a
// frame.

import { tick } from 'svelte';

export interface PerfLog {
  /** Milliseconds from the key press to the next item painted (Element Timing, else double rAF). */
  decide: number[];
  /** The same, ended at the second animation frame after the DOM update. */
  decideRaf: number[];
  /** Of which the round trip of POST /api/items/{id}/decision?next=1, from the key press to the answer parsed. */
  roundTrip: number[];
  /** performance.now() when the first item was painted. */
  firstItem?: number;
  /** Which signal decide[] uses. */
  paintSignal: 'element-timing' | 'double-raf';
}

declare global {
  interface Window {
    __reviewdeskPerf?: PerfLog;
  }
}

interface ElementTiming extends PerformanceEntry {
  identifier: string;
  renderTime: number;
}

const elementTiming =
  typeof PerformanceObserver !== 'undefined' && (PerformanceObserver.supportedEntryTypes ?? []).includes('element');

/** The attribute value the item heading carries, and what the observer waits for. */
export const itemTiming = 'item';

let waiting: ((at: number) => void) | null = null;
if (elementTiming) {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries() as ElementTiming[]) {
      if (e.identifier === itemTiming && waiting) {
        const w = waiting;
        waiting = null;
        w(e.renderTime || e.startTime);
      }
    }
  }).observe({ type: 'element', buffered: false });
}

function log(): PerfLog | null {
  if (typeof window === 'undefined') return null;
  return (window.__reviewdeskPerf ??= {
    decide: [],
    decideRaf: [],
    roundTrip: [],
    paintSignal: elementTiming ? 'element-timing' : 'double-raf',
  });
}

const frame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

/** Resolves after Svelte has updated the DOM and the browser has painted it. */
export async function painted(): Promise<void> {
  await tick();
  await frame();
  await frame();
}

let seq = 0;

export interface Measurement {
  /** The server's answer is in: marks the end of the round trip. */
  answered(): void;
  /** Ends the measurement once the item set just now is painted. Call it right after setting the item. */
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
      // Listen before the DOM changes, so that the paint of this very update is the one reported.
      const presented = elementTiming
        ? new Promise<number>((resolve) => {
            waiting?.(NaN);
            waiting = resolve;
            setTimeout(() => waiting === resolve && ((waiting = null), resolve(NaN)), 2000);
          })
        : Promise.resolve(NaN);
      await painted();
      const raf = performance.now() - start;
      const at = await presented;
      const l = log();
      l?.decideRaf.push(raf);
      l?.decide.push(Number.isNaN(at) ? raf : at - start);
      performance.measure(name + '-paint', { start, duration: Number.isNaN(at) ? raf : at - start });
      performance.clearMarks(name);
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
