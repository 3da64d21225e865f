// name -> renderer: every output the harness makes from a results object, and which names it owns. The charts are
// drawn first; if the chart library cannot load or draw, the reports are still written, without images, saying why.
import type { Results } from '../model/results.ts';
import { benchDocument } from './bench-document.ts';
import { drawOptional } from './charts/canvas.ts';
import { renderCsv } from './csv.ts';
import type { OutputFile } from './file-writer.ts';
import { renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import { renderMarkdown } from './markdown.ts';
import { renderSummary } from './summary-text.ts';
import { renderText } from './text.ts';

/** What every report renderer may use besides the results: the drawn charts, or why there are none. */
export interface RenderContext {
  charts: readonly OutputFile[];
  /** Why the charts were not drawn, or null when they were. */
  chartsSkipped: string | null;
}

/** A renderer: a pure function from the results object (and the drawn charts) to one or more files. */
export interface Renderer {
  /** File names it produces (a trailing slash owns a folder). */
  owns: readonly string[];
  /** Turns results into files. */
  render(results: Results, context: RenderContext): OutputFile[];
}

/** The data files, rewritten after every run (synchronous, so a checkpoint is never half done). */
export const DATA_RENDERERS: readonly Renderer[] = [
  { owns: ['results.json'], render: (r) => [{ name: 'results.json', data: renderJson(r) }] },
  { owns: ['results.csv'], render: (r) => [{ name: 'results.csv', data: renderCsv(r) }] },
];

/** The reports, written when a run ends and by `report`. */
export const REPORT_RENDERERS: readonly Renderer[] = [
  {
    owns: ['report.md'],
    render: (r, c) => [{ name: 'report.md', data: renderMarkdown(benchDocument(r, c.chartsSkipped)) }],
  },
  {
    owns: ['report.txt'],
    render: (r, c) => [{ name: 'report.txt', data: renderText(benchDocument(r, c.chartsSkipped)) }],
  },
  {
    owns: ['report.html'],
    render: (r, c) => [{ name: 'report.html', data: renderHtml(benchDocument(r, c.chartsSkipped), c.charts) }],
  },
  { owns: ['summary.txt'], render: (r) => [{ name: 'summary.txt', data: renderSummary(r) }] },
];

/** The folder the charts go to. */
const CHARTS_OWNED = ['charts/'];

/** Every file name the harness may replace in a results folder it made. */
export function ownedNames(): string[] {
  return [...CHARTS_OWNED, ...[...DATA_RENDERERS, ...REPORT_RENDERERS].flatMap((r) => r.owns)];
}

/** Renders the data files (results.json, results.csv). */
export function renderDataFiles(results: Results): OutputFile[] {
  const none: RenderContext = { charts: [], chartsSkipped: null };
  return DATA_RENDERERS.flatMap((r) => r.render(results, none));
}

/** Loads the chart module on demand (it pulls the native canvas library). */
export type ChartLoader = () => Promise<{ renderBenchCharts(results: Results): Promise<OutputFile[]> }>;

const loadCharts: ChartLoader = () => import('./charts/bench-charts.ts');

/** Draws the charts; a chart library that cannot load or draw is a reason, never a failure of the report. */
export async function drawCharts(results: Results, load: ChartLoader = loadCharts): Promise<RenderContext> {
  const { charts, skipped } = await drawOptional(async () => (await load()).renderBenchCharts(results));
  return { charts, chartsSkipped: skipped };
}

/** The charts, every report and results.csv (written again, so a results.json alone gets one). */
export async function renderReports(results: Results, load?: ChartLoader): Promise<OutputFile[]> {
  const context = await drawCharts(results, load);
  const csv = DATA_RENDERERS.filter((r) => r.owns.includes('results.csv'));
  return [...context.charts, ...[...REPORT_RENDERERS, ...csv].flatMap((r) => r.render(results, context))];
}
