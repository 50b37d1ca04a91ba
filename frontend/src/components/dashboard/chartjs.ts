// Chart.js, registered with only the parts the dashboard draws, and the whisker plugin that draws a bar's interval.
// ChartCanvas imports this module dynamically, so the library is fetched when the first chart is drawn: not with
// the review screen, and not with the screens the app preloads in the background for every user.

import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  Tooltip,
  type ChartType,
  type Plugin,
} from 'chart.js';

/** Whisker options of a bar chart: the interval's ends per bar, in data units (null: no whisker). */
export interface WhiskerOptions {
  lo: (number | null)[];
  hi: (number | null)[];
  color?: string;
}

declare module 'chart.js' {
  interface PluginOptionsByType<TType extends ChartType> {
    whiskers?: WhiskerOptions;
  }
}

/** Draws each bar's interval as a vertical line with caps, over the bars. */
const whiskers: Plugin<'bar'> = {
  id: 'whiskers',
  afterDatasetsDraw(chart, _args, opts: WhiskerOptions) {
    if (!opts?.lo) return;
    const y = chart.scales.y;
    const bars = chart.getDatasetMeta(0).data;
    const ctx = chart.ctx;
    ctx.save();
    ctx.strokeStyle = opts.color ?? '#22252a';
    ctx.lineWidth = 1.5;
    bars.forEach((bar, i) => {
      const lo = opts.lo[i];
      const hi = opts.hi[i];
      if (lo === null || hi === null || lo === undefined || hi === undefined) return;
      const x = bar.x;
      const w = Math.min(8, ((bar as unknown as { width: number }).width ?? 16) / 4);
      const top = y.getPixelForValue(hi);
      const bottom = y.getPixelForValue(lo);
      ctx.beginPath();
      ctx.moveTo(x, top);
      ctx.lineTo(x, bottom);
      ctx.moveTo(x - w, top);
      ctx.lineTo(x + w, top);
      ctx.moveTo(x - w, bottom);
      ctx.lineTo(x + w, bottom);
      ctx.stroke();
    });
    ctx.restore();
  },
};

Chart.register(
  BarController,
  BarElement,
  LineController,
  LineElement,
  PointElement,
  ScatterController,
  CategoryScale,
  LinearScale,
  Filler,
  Tooltip,
  whiskers,
);
// Japanese labels need a CJK font in the canvas too; the same stack as the page.
Chart.defaults.font.family = "'Noto Sans CJK JP', 'Hiragino Sans', 'Yu Gothic UI', 'Noto Sans JP', sans-serif";
Chart.defaults.font.size = 12;
Chart.defaults.color = '#464b53';
Chart.defaults.borderColor = '#e6e3dc';
Chart.defaults.animation = false;

export { Chart };
