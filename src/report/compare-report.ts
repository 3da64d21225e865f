// The comparison report: grouped bar chart (modes x inputs with CI whiskers) and a document for compare.md / compare.txt.
import type { ChartConfiguration } from 'chart.js';
import type { Comparison } from '../analyze/comparison.ts';
import { med, ratioWithCi, secs, times } from '../model/units.ts';
import { baseOptions, renderPng, SERIES_COLOURS, whiskers } from './charts/canvas.ts';
import type { Block, ReportDocument } from './document-model.ts';
import type { OutputFile } from './file-writer.ts';
import { renderMarkdown } from './markdown.ts';
import { renderText } from './text.ts';

/** Grouped bars of median real time for one case: modes on the x-axis, one colour per input, CI-of-mean whiskers. */
export function compareChart(comparison: Comparison, caseId: string): ChartConfiguration {
  const rows = comparison.rows.filter((r) => r.caseId === caseId);
  const labels = comparison.inputs.map((i) => i.label);
  return {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.mode),
      datasets: labels.map((label, index) => ({
        label: `${label}${comparison.inputs[index]?.emulatedMs !== null ? ` (EMULATED ${comparison.inputs[index]?.emulatedMs} ms flush)` : ''}`,
        data: rows.map((r) => r.cells[index]?.real?.median ?? 0),
        backgroundColor: SERIES_COLOURS[index % SERIES_COLOURS.length],
      })),
    },
    options: baseOptions(
      `qemu-img convert time compared${caseId === 'default' ? '' : ` [${caseId}]`}`,
      'target cache mode (-t)',
      'median wall time (s)',
      { subtitle: 'bars: median; whiskers: 95% CI of the mean' },
    ),
    plugins: [
      whiskers(
        Object.fromEntries(
          labels.map((_, index) => [
            index,
            rows.map((r) => {
              const s = r.cells[index]?.real;
              return s ? ([Math.max(0, s.ciLow), s.ciHigh] as [number, number]) : null;
            }),
          ]),
        ),
      ),
    ],
  };
}

/** The comparison document. */
export function compareDocument(comparison: Comparison, title = 'qemu-cache-bench comparison'): ReportDocument {
  const blocks: Block[] = [];
  if (comparison.warnings.length) {
    blocks.push({ kind: 'heading', level: 2, text: 'Read this first: what makes this comparison unfair' });
    blocks.push({ kind: 'list', items: comparison.warnings });
  }
  blocks.push({ kind: 'heading', level: 2, text: 'Inputs' });
  blocks.push({
    kind: 'table',
    head: [
      'input',
      'host',
      'qemu-img',
      'target fs',
      'flush latency (probe)',
      'emulated flush',
      'writethrough',
      'writeback',
      'writeback speedup (95% CI)',
    ],
    rows: comparison.inputs.map((i) => [
      i.label,
      i.host,
      i.qemuImg,
      i.fsType,
      i.flushMs === null ? 'not measured' : `${i.flushMs.toFixed(3)} ms`,
      i.emulatedMs === null ? 'no' : `EMULATED ${i.emulatedMs} ms`,
      secs(i.writethrough),
      secs(i.writeback),
      ratioWithCi(i.speedup),
    ]),
  });
  const reference = comparison.inputs[0]?.label ?? '';
  const changed: string[] = [];
  for (const caseId of [...new Set(comparison.rows.map((r) => r.caseId))]) {
    blocks.push({ kind: 'heading', level: 2, text: caseId === 'default' ? 'Per mode' : `Per mode: ${caseId}` });
    blocks.push({
      kind: 'chart',
      file: chartName(caseId),
      caption: 'Median conversion time per mode and input, 95% CI whiskers',
    });
    blocks.push({
      kind: 'table',
      head: [
        'mode',
        ...comparison.inputs.map((i) => `${i.label} median`),
        ...comparison.inputs.slice(1).map((i) => `${i.label} vs ${reference} (95% CI)`),
        'p (Mann-Whitney)',
        'significant',
      ],
      rows: comparison.rows
        .filter((r) => r.caseId === caseId)
        .map((r) => {
          const others = r.cells.slice(1);
          for (const c of others)
            if (c.significant && c.change)
              changed.push(
                `${r.mode}${caseId === 'default' ? '' : ` [${caseId}]`}: ${c.label} takes ${times(c.change.ratio)} the time of ${reference} (${c.change.ratio > 1 ? `${((c.change.ratio - 1) * 100).toFixed(0)}% slower` : `${((1 - c.change.ratio) * 100).toFixed(0)}% faster`})`,
              );
          return [
            r.mode,
            ...r.cells.map((c) => med(c.real)),
            ...others.map((c) => ratioWithCi(c.change)),
            others.map((c) => (c.p === null ? '-' : c.p.toFixed(3))).join(', ') || '-',
            others.map((c) => (c.tooFew ? 'too few runs' : c.significant ? 'yes' : 'no')).join(', ') || '-',
          ];
        }),
    });
  }
  blocks.unshift({
    kind: 'para',
    text: changed.length
      ? `Changed significantly against ${reference}: ${changed.join('; ')}.`
      : `No mode changed significantly against ${reference}.`,
  });
  blocks.push({ kind: 'heading', level: 2, text: 'Method' });
  blocks.push({ kind: 'para', text: comparison.method });
  blocks.push({ kind: 'list', items: comparison.inputs.map((i) => `${i.label}: ${i.path}`) });
  return { title, blocks };
}

function chartName(caseId: string): string {
  return caseId === 'default' ? 'compare.png' : `compare-${caseId.replace(/[^\w=.-]+/g, '_')}.png`;
}

/** compare.md, compare.txt and one grouped bar chart per case. */
export async function renderComparison(comparison: Comparison, title?: string): Promise<OutputFile[]> {
  const doc = compareDocument(comparison, title);
  const files: OutputFile[] = [
    { name: 'compare.md', data: renderMarkdown(doc) },
    { name: 'compare.txt', data: renderText(doc) },
    { name: 'compare.json', data: `${JSON.stringify(comparison, null, 2)}\n` },
  ];
  for (const caseId of [...new Set(comparison.rows.map((r) => r.caseId))])
    files.push({ name: chartName(caseId), data: await renderPng(compareChart(comparison, caseId)) });
  return files;
}

/** Names compare owns in its folder. */
export const COMPARE_FILES = ['compare.md', 'compare.txt', 'compare.json', 'compare.png'];
