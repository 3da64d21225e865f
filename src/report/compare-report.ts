// The comparison report: grouped bar chart (modes x inputs with CI whiskers) and a document for compare.md /
// compare.txt.
import type { ChartConfiguration } from 'chart.js';
import type { Comparison } from '../analyze/comparison.ts';
import { NO_VARIATION_METHOD } from '../analyze/stats.ts';
import type { CompareWarning, LabelledValue } from '../model/comparison.ts';
import type { Ratio } from '../model/results.ts';
import { med, pText, ratioWithCi, secs, times } from '../model/units.ts';
import { baseOptions, chartsSkippedText, drawOptional, renderPng, SERIES_COLOURS, whiskers } from './charts/canvas.ts';
import { fileSafeId } from './charts/chart-names.ts';
import type { Block, ReportDocument } from './document-model.ts';
import type { OutputFile } from './file-writer.ts';
import { renderHtml } from './html.ts';
import { renderMarkdown } from './markdown.ts';
import { flushText, hostKindText, imageWords, targetText } from './storage-text.ts';
import { renderText } from './text.ts';

function emulatedSuffix(ms: number | null): string {
  return ms === null ? '' : ` (EMULATED ${ms} ms flush)`;
}

/**
 * Grouped bars of each input's geometric mean wall time for one case (the quantity the changes are ratios of), modes on
 * the x-axis, one colour per input, whiskers its 95% t interval, the axis above the highest whisker.
 */
export function compareChart(comparison: Comparison, caseId: string): ChartConfiguration {
  const rows = comparison.rows.filter((r) => r.caseId === caseId);
  const labels = comparison.inputs.map((i) => i.label);
  return {
    type: 'bar',
    data: {
      labels: rows.map((r) => r.mode),
      datasets: labels.map((label, index) => ({
        label: `${label}${emulatedSuffix(comparison.inputs[index]?.emulatedMs ?? null)}`,
        data: rows.map((r) => r.cells[index]?.geometric?.mean ?? 0),
        backgroundColor: SERIES_COLOURS[index % SERIES_COLOURS.length],
      })),
    },
    options: baseOptions(
      `qemu-img convert time compared${caseId === 'default' ? '' : ` [${caseId}]`}`,
      'target cache mode (-t)',
      'geometric mean wall time (s)',
      {
        subtitle: 'bars: geometric mean; whiskers: its 95% t interval (the changes are ratios of these)',
        yMax: Math.max(
          0,
          ...rows.flatMap((r) => r.cells.map((c) => (c.geometric?.ciHigh ?? c.geometric?.mean ?? 0) * 1.08)),
        ),
      },
    ),
    plugins: [
      whiskers(
        Object.fromEntries(
          labels.map((_, index) => [
            index,
            rows.map((r) => {
              const g = r.cells[index]?.geometric;
              return g?.ciLow != null && g.ciHigh != null ? ([g.ciLow, g.ciHigh] as [number, number]) : null;
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
    'same-setup': 'The inputs were made on the same setup: a repeat of the same measurement.',
    'ab-test': `An A/B test: the inputs differ only in ${comparison.differences[0]?.fact ?? 'one fact'}.`,
    'host-comparison': 'A host comparison, not an A/B test: the inputs come from different hosts.',
    'several-changes': 'Several facts differ between the inputs: no difference can be put down to one of them.',
  };
  if (comparison.inputs.length === 1) return 'One input: a summary of one run (a fleet of one host), not a comparison.';
  return what[comparison.kind];
}

/** A comparison's warning in words. */
export function compareWarningText(w: CompareWarning): string {
  const each = (values: readonly LabelledValue[], width?: number) =>
    values.map((v) => `${v.label}: ${width ? v.value.slice(0, width) : v.value}`).join(', ');
  switch (w.code) {
    case 'different-hosts':
      return 'the inputs come from different hosts: this is a host comparison, not an A/B test of one change';
    case 'several-changes':
      return `${w.facts} facts differ between the inputs: no difference can be put down to one of them`;
    case 'fact-differs':
      return `different ${w.fact}: ${each(w.values)}`;
    case 'incomplete-input':
      return `${w.label} is an incomplete run (complete: false)`;
    case 'same-content-different-files':
      return (
        `note: the image files differ (sha256 ${each(w.files, 12)}) but hold the same guest data (content ` +
        `${w.content.slice(0, 24)}): compressed bytes depend on the qemu-img and zlib builds`
      );
  }
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

/**
 * A clear change in words, one direction, the point estimate first: "fast converts 2.50x faster than slow under
 * writeback (95% interval 2.24-2.79x, Welch p < 0.001)", or "... is 1.60x slower than ...".
 */
function changeWords(label: string, reference: string, where: string, change: Ratio): string {
  const low = change.ciLow as number;
  const high = change.ciHigh as number;
  const range = (a: number, b: number) => `${times(a).replace('x', '')}-${times(b)}`;
  const [size, interval] =
    high < 1
      ? [`converts ${times(1 / change.ratio)} faster than`, range(1 / high, 1 / low)]
      : [`is ${times(change.ratio)} slower than`, range(low, high)];
  return `${label} ${size} ${reference} under ${where} (95% interval ${interval}, Welch ${pText(change.p)})`;
}

/** The headline: every clear change in words, where it is inconclusive, and where no interval could be had (why). */
export function headlines(comparison: Comparison): string[] {
  const reference = comparison.inputs[0]?.label ?? '';
  const clear: string[] = [];
  const unclear = new Set<string>();
  const untold = new Set<string>();
  const unvarying = new Set<string>();
  for (const row of comparison.rows) {
    const where = `${row.mode}${row.caseId === 'default' ? '' : ` [${row.caseId}]`}`;
    for (const c of row.cells.slice(1)) {
      if (c.significant && c.change) clear.push(changeWords(c.label, reference, where, c.change));
      else if (c.change?.method === NO_VARIATION_METHOD) unvarying.add(where);
      else if (c.change?.ciLow == null) untold.add(where);
      else unclear.add(where);
    }
  }
  const others = comparison.inputs
    .slice(1)
    .map((i) => i.label)
    .join(', ');
  const lines = [...clear];
  if (unclear.size) {
    lines.push(
      `Inconclusive between ${others} and ${reference} under ${[...unclear].join(', ')}: the 95% interval of the ` +
        `time ratio includes 1${clear.length ? '' : ' in every mode'}, so neither is shown to be faster.`,
    );
  }
  if (unvarying.size) {
    lines.push(
      `No interval under ${[...unvarying].join(', ')}: every run on each side took the same time, so there is no ` +
        'spread to judge the ratio by (the table gives it).',
    );
  }
  if (untold.size) lines.push(`Too few runs to tell under ${[...untold].join(', ')} (fewer than 2 on a side).`);
  if (comparison.inputs.length === 1)
    lines.push(`One input (${reference}): nothing to compare; its medians are below.`);
  return lines;
}

/** The per-mode table of one case. */
function caseTable(comparison: Comparison, caseId: string): Block {
  const reference = comparison.inputs[0]?.label ?? '';
  const rows = comparison.rows
    .filter((r) => r.caseId === caseId)
    .map((r) => {
      const others = r.cells.slice(1);
      const rank = (c: (typeof others)[number]) =>
        c.rankP === null ? '-' : `${pText(c.rankP).replace('p ', '')}${c.rankExact ? '' : ' (approx.)'}`;
      return [
        r.mode,
        ...r.cells.map((c) => med(c.real)),
        ...others.map((c) => ratioWithCi(c.change)),
        others.map((c) => pText(c.p).replace('p ', '')).join(', ') || '-',
        others.map((c) => (c.significant ? 'yes' : c.change?.ciLow == null ? 'too few runs' : 'no')).join(', ') || '-',
        others.map(rank).join(', ') || '-',
      ];
    });
  const head = [
    'mode',
    ...comparison.inputs.map((i) => `${i.label} median`),
    ...comparison.inputs.slice(1).map((i) => `${i.label} vs ${reference} time (95% interval)`),
    'Welch p',
    'clear difference (interval excludes 1)',
    'rank p (Mann-Whitney)',
  ];
  return { kind: 'table', head, rows };
}

/** "Read this first": the facts that differ between the inputs, or that none do. */
function differenceBlocks(comparison: Comparison): Block[] {
  const heading: Block = { kind: 'heading', level: 2, text: 'Read this first: what differs between the inputs' };
  if (!comparison.differences.length)
    return [heading, { kind: 'para', text: 'Nothing recorded differs between the inputs.' }];
  const head = ['fact', ...comparison.inputs.map((i) => i.label)];
  return [heading, { kind: 'table', head, rows: comparison.differences.map((d) => [d.fact, ...d.values]) }];
}

/** Where each input was measured: "Measured on: A (2-vCPU VM, ext4 on disk vda, flush 0.42 ms; ...); B (...)". */
export function whereLine(comparison: Comparison): string | null {
  const places = comparison.inputs.flatMap((i) => {
    const c = i.context;
    if (!c) return [];
    const flush = flushText(i.emulatedMs === null ? i.flushMs : null);
    const emulated = i.emulatedMs === null ? '' : `, EMULATED flush latency ${i.emulatedMs} ms`;
    const image = imageWords(c.builtinImageBytes, c.imageName);
    return [`${i.label} (${hostKindText(c.host)}, ${targetText(c)}${flush}${emulated}; ${image})`];
  });
  return places.length ? `Measured on: ${places.join('; ')}.` : null;
}

/** The comparison document: the headline in words, what kind of comparison it is, then the details. */
export function compareDocument(comparison: Comparison, title = 'qemu-cache-bench comparison'): ReportDocument {
  const blocks: Block[] = headlines(comparison).map((text) => ({ kind: 'para', strong: true, text }));
  const where = whereLine(comparison);
  if (where) blocks.push({ kind: 'para', strong: true, text: where });
  blocks.push({ kind: 'para', text: kindText(comparison) });
  if (comparison.inputs.length > 1) blocks.push(...differenceBlocks(comparison));
  const noted = new Set(['incomplete-input', 'same-content-different-files']);
  const notes = comparison.warnings.filter((w) => noted.has(w.code)).map(compareWarningText);
  if (notes.length) blocks.push({ kind: 'list', items: notes });
  blocks.push({ kind: 'heading', level: 2, text: 'Inputs' });
  blocks.push(inputsTable(comparison));
  for (const caseId of [...new Set(comparison.rows.map((r) => r.caseId))]) {
    blocks.push({ kind: 'heading', level: 2, text: caseId === 'default' ? 'Per mode' : `Per mode: ${caseId}` });
    blocks.push({
      kind: 'chart',
      file: chartName(caseId),
      caption: 'Geometric mean conversion time per mode and input, 95% interval whiskers',
    });
    blocks.push(caseTable(comparison, caseId));
  }
  blocks.push({ kind: 'heading', level: 2, text: 'Method' });
  blocks.push({ kind: 'para', text: comparison.method });
  blocks.push({ kind: 'list', items: comparison.inputs.map((i) => `${i.label}: ${i.path}`) });
  return { title, blocks };
}

function chartName(caseId: string): string {
  return caseId === 'default' ? 'compare.png' : `compare-${fileSafeId(caseId)}.png`;
}

/** Draws a chart to PNG bytes (replaceable in tests: a host whose chart library cannot load). */
export type PngRenderer = (configuration: ChartConfiguration) => Promise<Buffer>;

/** compare.md, compare.txt (ASCII), compare.html (self-contained), compare.json and one bar chart per case. */
export async function renderComparison(
  comparison: Comparison,
  title?: string,
  draw: PngRenderer = renderPng,
): Promise<OutputFile[]> {
  const caseIds = [...new Set(comparison.rows.map((r) => r.caseId))];
  const { charts, skipped } = await drawOptional(async () => {
    const files: OutputFile[] = [];
    for (const caseId of caseIds)
      files.push({ name: chartName(caseId), data: await draw(compareChart(comparison, caseId)) });
    return files;
  });
  const doc = compareDocument(comparison, title);
  if (skipped) doc.blocks.unshift({ kind: 'para', strong: true, text: chartsSkippedText(skipped, 'npm run compare') });
  return [
    { name: 'compare.md', data: renderMarkdown(doc) },
    { name: 'compare.txt', data: renderText(doc) },
    { name: 'compare.html', data: renderHtml(doc, charts) },
    { name: 'compare.json', data: `${JSON.stringify(comparison, null, 2)}\n` },
    ...charts,
  ];
}

/** Names compare owns in its folder. */
export const COMPARE_FILES = ['compare.md', 'compare.txt', 'compare.html', 'compare.json', 'compare.png'];
