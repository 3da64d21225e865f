// name -> renderer: every output the harness makes from a results object, and which names it owns.
import type { Results } from '../model/results.ts';
import { benchDocument } from './bench-document.ts';
import { renderCsv } from './csv.ts';
import type { OutputFile } from './file-writer.ts';
import { renderHtml } from './html.ts';
import { renderJson } from './json.ts';
import { renderMarkdown } from './markdown.ts';
import { renderText } from './text.ts';

/** A renderer: a pure function from the results object to one or more files. */
export interface Renderer {
  /** File names it produces (a trailing slash owns a folder). */
  owns: readonly string[];
  /** Turns results into files. */
  render(results: Results): OutputFile[] | Promise<OutputFile[]>;
}

/** The data files, rewritten after every run (synchronous, so a checkpoint is never half done). */
export const DATA_RENDERERS = [
  {
    owns: ['results.json'],
    render: (r: Results): OutputFile[] => [{ name: 'results.json', data: renderJson(r) }],
  },
  {
    owns: ['results.csv'],
    render: (r: Results): OutputFile[] => [{ name: 'results.csv', data: renderCsv(r) }],
  },
] as const satisfies readonly Renderer[];

/** Renders the data files (results.json, results.csv). */
export function renderDataFiles(results: Results): OutputFile[] {
  return DATA_RENDERERS.flatMap((r) => r.render(results));
}

/** The reports, written when a run ends and by `report`. */
export const REPORT_RENDERERS: readonly Renderer[] = [
  {
    owns: ['charts/'],
    render: async (r) => (await import('./charts/bench-charts.ts')).renderBenchCharts(r),
  },
  {
    owns: ['report.md'],
    render: (r) => [{ name: 'report.md', data: renderMarkdown(benchDocument(r)) }],
  },
  { owns: ['report.txt'], render: (r) => [{ name: 'report.txt', data: renderText(benchDocument(r)) }] },
  {
    owns: ['report.html'],
    render: async (r) => [
      {
        name: 'report.html',
        data: renderHtml(benchDocument(r), await (await import('./charts/bench-charts.ts')).renderBenchCharts(r)),
      },
    ],
  },
];

/** Every file name the harness may replace in a results folder it made. */
export function ownedNames(): string[] {
  return [...DATA_RENDERERS, ...REPORT_RENDERERS].flatMap((r) => r.owns);
}

/** Renders with each renderer in order. */
export async function renderWith(renderers: readonly Renderer[], results: Results): Promise<OutputFile[]> {
  const files: OutputFile[] = [];
  for (const renderer of renderers) files.push(...(await renderer.render(results)));
  return files;
}
