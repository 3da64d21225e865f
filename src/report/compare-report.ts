// The comparison report: grouped bar chart (modes x inputs with CI whiskers) and a document for compare.md /
// compare.txt.
import type { ChartConfiguration } from 'chart.js';
import { ALPHA, type Comparison } from '../analyze/comparison.ts';
import { med, ratioWithCi, secs, times } from '../model/units.ts';
import { baseOptions, renderPng, SERIES_COLOURS, whiskers } from './charts/canvas.ts';
import type { Block, ReportDocument } from './document-model.ts';
import type { OutputFile } from './file-writer.ts';
import { renderMarkdown } from './markdown.ts';
import { renderText } from './text.ts';

function emulatedSuffix(ms: number | null): string {
  return ms === null ? '' : ` (EMULATED ${ms} ms flush)`;
}

/** Grouped bars of median real time for one case: modes on the x-axis, one colour per input, CI-of-mean whiskers. */
export function compareChart(comparison: Comparison, caseId: string): ChartConfiguration {
  const rows = comparison.rows.filter((r) => r.caseId === caseId);
  const labels = comparison.inputs.map((i) => i.label);
  return {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.mode),
      datasets: labels.map((label, index) => ({
        label: `${label}${emulatedSuffix(comparison.inputs[index]?.emulatedMs ?? null)}`,
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

/** What kind of comparison this is, in one sentence. */
function kindText(comparison: Comparison): string {
  const what: Record<Comparison['kind'], string> = {
    'same setup': 'The inputs were made on the same setup: a repeat of the same measurement.',
    'A/B test': `An A/B test: the inputs differ only in ${comparison.differences[0]?.fact ?? 'one fact'}.`,
    'host comparison': 'A host comparison, not an A/B test: the inputs come from different hosts.',
    'several changes': 'Several facts differ between the inputs: no difference can be put down to one of them.',
  };
  return what[comparison.kind];
}

function inputsTable(comparison: Comparison): Block {
  return {
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
      'writeback speedup (95% interval)',
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
  };
}

function changeText(ratio: number): string {
  return ratio > 1 ? `${((ratio - 1) * 100).toFixed(0)}% slower` : `${((1 - ratio) * 100).toFixed(0)}% faster`;
}

/** The per-mode table of one case; significant changes are collected into `changed`. */
function caseTable(comparison: Comparison, caseId: string, changed: string[]): Block {
  const reference = comparison.inputs[0]?.label ?? '';
  const where = caseId === 'default' ? '' : ` [${caseId}]`;
  const rows = comparison.rows
    .filter((r) => r.caseId === caseId)
    .map((r) => {
      const others = r.cells.slice(1);
      for (const c of others) {
        if (!c.significant || !c.change) continue;
        const p = `exact Mann-Whitney p = ${c.p?.toFixed(3)}`;
        changed.push(
          `${r.mode}${where}: ${c.label} takes ${times(c.change.ratio)} the time of ${reference} ` +
            `(${changeText(c.change.ratio)}, ${p})`,
        );
      }
      return [
        r.mode,
        ...r.cells.map((c) => med(c.real)),
        ...others.map((c) => ratioWithCi(c.change)),
        others.map((c) => (c.p === null ? '-' : c.p.toFixed(3))).join(', ') || '-',
        others.map((c) => (c.significant ? 'yes' : 'no')).join(', ') || '-',
      ];
    });
  const head = [
    'mode',
    ...comparison.inputs.map((i) => `${i.label} median`),
    ...comparison.inputs.slice(1).map((i) => `${i.label} vs ${reference} (95% interval)`),
    'p (exact Mann-Whitney)',
    `significant (p < ${ALPHA})`,
  ];
  return { kind: 'table', head, rows };
}

/** The comparison document. */
export function compareDocument(comparison: Comparison, title = 'qemu-cache-bench comparison'): ReportDocument {
  const blocks: Block[] = [];
  blocks.push({ kind: 'heading', level: 2, text: 'Read this first: what differs between the inputs' });
  blocks.push({ kind: 'para', text: kindText(comparison) });
  if (comparison.differences.length) {
    const head = ['fact', ...comparison.inputs.map((i) => i.label)];
    blocks.push({ kind: 'table', head, rows: comparison.differences.map((d) => [d.fact, ...d.values]) });
  }
  const notes = comparison.warnings.filter((w) => w.includes('incomplete run') || w.startsWith('note: '));
  if (notes.length) blocks.push({ kind: 'list', items: notes });
  blocks.push({ kind: 'heading', level: 2, text: 'Inputs' });
  blocks.push(inputsTable(comparison));
  const reference = comparison.inputs[0]?.label ?? '';
  const changed: string[] = [];
  for (const caseId of [...new Set(comparison.rows.map((r) => r.caseId))]) {
    blocks.push({ kind: 'heading', level: 2, text: caseId === 'default' ? 'Per mode' : `Per mode: ${caseId}` });
    blocks.push({
      kind: 'chart',
      file: chartName(caseId),
      caption: 'Median conversion time per mode and input, 95% CI whiskers',
    });
    blocks.push(caseTable(comparison, caseId, changed));
  }
  const verdict = changed.length
    ? `Changed significantly against ${reference}: ${changed.join('; ')}.`
    : `No mode changed significantly against ${reference} (exact Mann-Whitney p < ${ALPHA} nowhere).`;
  blocks.unshift({ kind: 'para', text: verdict });
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
