// The chart configurations built from the shaped series. Every yield is drawn with its 95% interval: bars get
// whiskers (the plugin in chartjs.ts), lines a shaded band. Only types come from Chart.js here, so that the
// dashboard's own chunk stays small; the library itself loads with the first chart (ChartCanvas).

import type { ChartConfiguration, TooltipItem } from 'chart.js';
import { lineFloor, pct, pctRange, type Locale, type YieldSeries } from './shape';

const accent = '#2f6f8f';
const accentFill = 'rgb(47 111 143 / 0.55)';
const bandFill = 'rgb(47 111 143 / 0.15)';

/** Words the charts' tooltips need, in the UI language. */
export interface ChartWords {
  locale: Locale;
  /** "{good} of {n} good" */
  goodOfN: (good: number, n: number) => string;
  noReviews: string;
  interval: string;
}

function yieldTooltip<T extends 'bar' | 'line'>(s: YieldSeries, w: ChartWords) {
  return (item: TooltipItem<T>): string[] => {
    const i = item.dataIndex;
    if (s.rate[i] === null) return [w.noReviews];
    return [
      `${pct(s.rate[i], w.locale)}  ${w.goodOfN(s.good[i], s.n[i])}`,
      `${w.interval} ${pctRange(s.lo[i] ?? 0, s.hi[i] ?? 1, w.locale)}`,
    ];
  };
}

const percentAxis = (locale: Locale, stepSize?: number) => ({
  min: 0,
  max: 1,
  ticks: { callback: (v: number | string) => pct(Number(v), locale, 0), stepSize },
});

/** Bars of yield per slice, each with its interval as a whisker. */
export function yieldBars(s: YieldSeries, w: ChartWords, xTitle: string): ChartConfiguration<'bar'> {
  return {
    type: 'bar',
    data: {
      labels: s.labels,
      datasets: [{ data: s.rate as number[], backgroundColor: accentFill, borderColor: accent, borderWidth: 1, maxBarThickness: 48 }],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        y: percentAxis(w.locale, 0.2),
        x: { title: { display: !!xTitle, text: xTitle }, grid: { display: false } },
      },
      plugins: {
        whiskers: { lo: s.lo, hi: s.hi },
        tooltip: { callbacks: { label: yieldTooltip<'bar'>(s, w) } },
      },
    },
  };
}

/** The yield over days: a line with the interval as a shaded band; days without reviews are gaps. */
export function yieldLine(s: YieldSeries, w: ChartWords): ChartConfiguration<'line'> {
  const band = { pointRadius: 0, borderWidth: 0, spanGaps: false, backgroundColor: bandFill };
  return {
    type: 'line',
    data: {
      labels: s.labels,
      datasets: [
        { ...band, data: s.hi as number[], fill: false },
        { ...band, data: s.lo as number[], fill: '-1' },
        { data: s.rate as number[], borderColor: accent, backgroundColor: accent, pointRadius: 2.5, borderWidth: 2, spanGaps: false },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: 'index', intersect: false },
      // A line need not start at 0 as a bar must: the axis starts a little below the lowest interval, so that
      // day-to-day changes are visible.
      scales: { y: { ...percentAxis(w.locale), min: lineFloor(s) }, x: { grid: { display: false }, ticks: { maxRotation: 0, autoSkipPadding: 12 } } },
      plugins: {
        tooltip: { filter: (item) => item.datasetIndex === 2, callbacks: { label: yieldTooltip<'line'>(s, w) } },
      },
    },
  };
}

/** The judge score's ROC curve with the chance diagonal, and the point of the chosen threshold marked. */
export function rocChart(
  points: { x: number; y: number; t: number | null }[],
  chosen: number | null,
  w: { locale: Locale; x: string; y: string; threshold: (t: number) => string },
): ChartConfiguration<'scatter'> {
  const mark = points.find((p) => p.t === chosen);
  return {
    type: 'scatter',
    data: {
      datasets: [
        { data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], showLine: true, borderColor: '#d3cfc6', borderDash: [4, 4], pointRadius: 0, borderWidth: 1 },
        { data: points, showLine: true, borderColor: accent, backgroundColor: accent, pointRadius: 3, borderWidth: 2 },
        { data: mark ? [mark] : [], pointRadius: 7, pointStyle: 'circle', backgroundColor: '#c98a14', borderColor: '#fff', borderWidth: 2 },
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      scales: {
        x: { ...percentAxis(w.locale), title: { display: true, text: w.x } },
        y: { ...percentAxis(w.locale), title: { display: true, text: w.y } },
      },
      plugins: {
        tooltip: {
          filter: (item) => item.datasetIndex === 1,
          callbacks: {
            label: (item) => {
              const p = points[item.dataIndex];
              return `${p.t === null ? '' : w.threshold(p.t) + ': '}${pct(p.x, w.locale)}, ${pct(p.y, w.locale)}`;
            },
          },
        },
      },
    },
  };
}
