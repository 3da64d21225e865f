// Chart drawing shared by every chart: the canvas (1200x600, white), the colour-blind-safe palette, whiskers and
// reference lines.
import type { ChartConfiguration, ChartOptions, Plugin } from 'chart.js';
import type { ChartJSNodeCanvas } from 'chartjs-node-canvas';

/** Chart size in pixels: readable as a bug-tracker thumbnail. */
export const CHART_SIZE = { width: 1200, height: 600 } as const;

/** Okabe-Ito colours, one per cache mode, always the same. */
export const MODE_COLOURS: Record<string, string> = {
  writethrough: '#D55E00',
  writeback: '#0072B2',
  none: '#009E73',
  unsafe: '#E69F00',
  directsync: '#CC79A7',
};

/** Colours for series that are not modes (compare inputs, stacked parts), colour-blind safe. */
export const SERIES_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#F0E442', '#000000'];

/** A mode's colour. */
export function modeColour(mode: string): string {
  return MODE_COLOURS[mode] ?? '#777777';
}

let canvas: ChartJSNodeCanvas | null = null;

/**
 * Renders a chart configuration to PNG bytes on a white background. The chart library (native canvas) is loaded on
 * the first call, so a host without libcairo can import this module and still write every text report.
 */
export async function renderPng(configuration: ChartConfiguration): Promise<Buffer> {
  if (!canvas) {
    const { ChartJSNodeCanvas: Canvas } = await import('chartjs-node-canvas');
    canvas = new Canvas({ ...CHART_SIZE, backgroundColour: 'white' });
  }
  return canvas.renderToBuffer(configuration, 'image/png');
}

/** What optional charts came to: the files drawn, or why none were (a reason, never a failure of the report). */
export interface OptionalCharts<T> {
  charts: T[];
  skipped: string | null;
}

/** Draws charts that a report can do without: a chart library that cannot load or draw becomes a reason. */
export async function drawOptional<T>(draw: () => Promise<T[]>): Promise<OptionalCharts<T>> {
  try {
    return { charts: await draw(), skipped: null };
  } catch (error) {
    const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? 'unknown error';
    return { charts: [], skipped: reason };
  }
}

/** The line a report shows in place of charts it could not draw. */
export function chartsSkippedText(reason: string, rerun: string): string {
  return `Charts skipped: ${reason}; run \`${rerun}\` where charts work to draw them.`;
}

/** Vertical intervals [low, high] to draw over bars, per dataset index and bar index. */
export type Intervals = Record<number, ([number, number] | null)[]>;

/** A plugin drawing error whiskers (with caps) over the bars of the given datasets. */
export function whiskers(intervals: Intervals, colour = '#222222'): Plugin {
  return {
    id: 'whiskers',
    afterDatasetsDraw(chart) {
      const { ctx } = chart;
      const y = chart.scales.y;
      if (!y) return;
      ctx.save();
      ctx.strokeStyle = colour;
      ctx.lineWidth = 2;
      for (const [datasetIndex, bars] of Object.entries(intervals)) {
        const meta = chart.getDatasetMeta(Number(datasetIndex));
        if (meta.hidden) continue;
        bars.forEach((interval, i) => {
          const bar = meta.data[i];
          if (!interval || !bar || !interval.every(Number.isFinite)) return;
          const x = bar.x;
          const top = y.getPixelForValue(interval[1]);
          const bottom = y.getPixelForValue(interval[0]);
          ctx.beginPath();
          ctx.moveTo(x, top);
          ctx.lineTo(x, bottom);
          ctx.moveTo(x - 8, top);
          ctx.lineTo(x + 8, top);
          ctx.moveTo(x - 8, bottom);
          ctx.lineTo(x + 8, bottom);
          ctx.stroke();
        });
      }
      ctx.restore();
    },
  };
}

/** A plugin writing a value over each bar of dataset 0 (above its whisker when `above` gives one's top). */
export function barLabels(texts: readonly string[], above: readonly (number | null)[] = []): Plugin {
  return {
    id: 'bar-labels',
    afterDatasetsDraw(chart) {
      const { ctx } = chart;
      const y = chart.scales.y;
      const meta = chart.getDatasetMeta(0);
      if (!y || meta.hidden) return;
      ctx.save();
      ctx.font = `bold ${TEXT}`;
      ctx.textAlign = 'center';
      ctx.textBaseline = 'bottom';
      ctx.fillStyle = '#222222';
      meta.data.forEach((bar, i) => {
        const text = texts[i];
        if (!text) return;
        const high = above[i];
        const top = Math.min(bar.y, high != null && Number.isFinite(high) ? y.getPixelForValue(high) : bar.y);
        ctx.fillText(text, bar.x, top - 4);
      });
      ctx.restore();
    },
  };
}

/** A plugin drawing a dashed horizontal reference line at `value` with a label. */
export function referenceLine(value: number, label: string, colour = '#444444'): Plugin {
  return {
    id: 'reference-line',
    afterDatasetsDraw(chart) {
      const { ctx, chartArea } = chart;
      const y = chart.scales.y;
      if (!y) return;
      const py = y.getPixelForValue(value);
      if (py > chartArea.bottom) return;
      ctx.save();
      if (py < chartArea.top) {
        // Above the scale: said at the top instead of stretching the axis (the bars keep the chart's height).
        if (label) {
          ctx.font = `bold ${TEXT}`;
          ctx.textAlign = 'right';
          ctx.textBaseline = 'top';
          ctx.fillStyle = colour;
          ctx.fillText(`\u25B2 ${label}, above this scale`, chartArea.right - 8, chartArea.top + 6);
        }
        ctx.restore();
        return;
      }
      ctx.strokeStyle = colour;
      ctx.setLineDash([8, 6]);
      ctx.lineWidth = 2;
      ctx.beginPath();
      ctx.moveTo(chartArea.left, py);
      ctx.lineTo(chartArea.right, py);
      ctx.stroke();
      ctx.setLineDash([]);
      if (label) {
        ctx.font = `bold ${TEXT}`;
        ctx.textAlign = 'right';
        ctx.textBaseline = 'bottom';
        const width = ctx.measureText(label).width;
        ctx.fillStyle = 'rgba(255,255,255,0.9)';
        ctx.fillRect(chartArea.right - width - 12, py - 30, width + 8, CHART_TEXT_PX + 4);
        ctx.fillStyle = colour;
        ctx.fillText(label, chartArea.right - 8, py - 7);
      }
      ctx.restore();
    },
  };
}

/**
 * The smallest text of every chart, px of its 1200 px width: 21, so shown 600 px wide (a GitHub comment) it is 10.5
 * px, and 10 px in a 600 px page with its margins.
 */
export const CHART_TEXT_PX = 21;
const TEXT = `${CHART_TEXT_PX}px sans-serif`;

/** What varies between the charts' common options. */
export interface OptionExtras {
  stacked?: boolean;
  yMax?: number;
  subtitle?: string;
  /** What was measured where (image, target storage), a subtitle line of its own, so a chart shared alone keeps it. */
  context?: string;
  legend?: boolean;
}

const AXIS_TITLE = { display: true, font: { size: CHART_TEXT_PX }, color: '#222' } as const;

/** Common options: title, axis titles with units, large fonts for thumbnails, no animation. */
export function baseOptions(title: string, xTitle: string, yTitle: string, extra: OptionExtras = {}): ChartOptions {
  return {
    animation: false,
    responsive: false,
    devicePixelRatio: 1,
    plugins: {
      title: { display: true, text: title, font: { size: 26, weight: 'bold' }, color: '#111' },
      subtitle: {
        display: Boolean(extra.subtitle || extra.context),
        text: [extra.subtitle, extra.context].filter((line): line is string => Boolean(line)),
        font: { size: CHART_TEXT_PX },
        color: '#444',
        padding: { bottom: 10 },
      },
      legend: { display: extra.legend ?? true, labels: { font: { size: CHART_TEXT_PX }, color: '#222' } },
    },
    scales: {
      x: {
        stacked: extra.stacked,
        title: { ...AXIS_TITLE, text: xTitle },
        ticks: { font: { size: CHART_TEXT_PX }, color: '#222' },
      },
      y: {
        stacked: extra.stacked,
        type: 'linear',
        beginAtZero: true,
        suggestedMax: extra.yMax,
        title: { ...AXIS_TITLE, text: yTitle },
        ticks: { font: { size: CHART_TEXT_PX }, color: '#222' },
        grid: { color: '#e5e5e5' },
      },
    },
  };
}
