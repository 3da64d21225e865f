// Terminal and plain-text tables (cli-table3, no colour codes): per mode medians, spread and speedup.
import Table from 'cli-table3';
import type { ModeSummary, Results } from '../model/results.ts';
import { mbps, med, mib, ratioWithCi, spread } from '../model/units.ts';
import { CELL_MAX, capCell, wrapLines } from './word-break.ts';

const PLAIN = { head: [] as string[], border: [] as string[] };

/** Pure ASCII borders, for report.txt: survives any tracker, mail client or font. */
const ASCII_CHARS = {
  top: '-',
  'top-mid': '+',
  'top-left': '+',
  'top-right': '+',
  bottom: '-',
  'bottom-mid': '+',
  'bottom-left': '+',
  'bottom-right': '+',
  left: '|',
  'left-mid': '+',
  mid: '-',
  'mid-mid': '+',
  right: '|',
  'right-mid': '+',
  middle: '|',
};

/** Widest a terminal table may get before its columns wrap. */
const TERMINAL_TABLE_WIDTH = 120;

/** Text width of a cell: its longest line. */
function cellWidth(text: string): number {
  return Math.max(0, ...text.split('\n').map((line) => line.length));
}

/** A value this short ("4.22 s", "+/-5%") is never wrapped: a number stays beside its unit. */
const UNBROKEN_CELL = 14;

/** Narrowest a cell may be laid out: its longest word, or all of it when it is a short value. */
function narrowest(text: string, header: boolean): number {
  if (!header && text.length <= UNBROKEN_CELL) return text.length;
  return Math.max(0, ...text.split(/\s+/).map((word) => word.length));
}

/**
 * Column widths (padding included) that keep a table within `max` columns, borders included: columns that fit keep
 * their natural width, the others share what is left (never narrower than their longest word). Null when the table
 * fits as it is; 'too-wide' when even its longest words do not fit side by side.
 */
export function fittedWidths(
  head: readonly string[],
  rows: readonly (readonly string[])[],
  max: number = TERMINAL_TABLE_WIDTH,
): number[] | null | 'too-wide' {
  const cells = (i: number) => [head[i] ?? '', ...rows.map((r) => r[i] ?? '')];
  const natural = head.map((_, i) => Math.max(...cells(i).map(cellWidth)) + 2);
  const least = (i: number) => Math.max(...cells(i).map((text, row) => narrowest(text, row === 0)));
  const floor = head.map((_, i) => Math.min(natural[i] as number, least(i) + 2));
  const room = max - head.length - 1;
  const sum = (widths: readonly number[]) => widths.reduce((a, b) => a + b, 0);
  if (sum(natural) <= room) return null;
  if (sum(floor) > room) return 'too-wide';
  // The highest level L at which every column gets min(natural, max(floor, L)) and the total still fits.
  const at = (level: number) => natural.map((n, i) => Math.min(n, Math.max(floor[i] as number, level)));
  let level = 0;
  while (sum(at(level + 1)) <= room) level++;
  const widths = at(level);
  // What the level leaves over goes to the first columns still short of their natural width.
  let spare = room - sum(widths);
  for (let i = 0; i < widths.length && spare > 0; i++) {
    if ((widths[i] as number) < (natural[i] as number)) {
      widths[i] = (widths[i] as number) + 1;
      spare--;
    }
  }
  return widths;
}

/** Narrowest width a table is laid out in: below it even a two-column record would have no room for text. */
const MIN_TABLE_WIDTH = 24;

/**
 * A cli-table3 table as text without colour codes (ASCII borders unless `unicode`), at most `max` columns wide: too
 * wide a table wraps its cells at word boundaries, and one whose words cannot fit side by side is shown transposed,
 * else as one small table of "column: value" per row, whose words wider than their column are cut
 * ({@link wrapLines}); a cell over {@link CELL_MAX} characters is cut, saying so.
 */
export function asciiTable(
  headCells: string[],
  rowCells: string[][],
  unicode = false,
  max = TERMINAL_TABLE_WIDTH,
): string {
  const width = Math.max(MIN_TABLE_WIDTH, Math.floor(max));
  const head = headCells.map(capCell);
  const rows = rowCells.map((row) => row.map(capCell));
  const colWidths = fittedWidths(head, rows, width);
  if (colWidths !== 'too-wide') return render(head, rows, unicode, colWidths);
  // Transposed: one column per row (modes side by side), one row per column; else one small table per row.
  const columns = rows.map((row) => row[0] ?? '');
  const transposed = head.slice(1).map((h, i) => [h, ...rows.map((row) => row[i + 1] ?? '')]);
  const turned = fittedWidths(['', ...columns], transposed, width);
  if (turned !== 'too-wide') return render(['', ...columns], transposed, unicode, turned);
  const record = (row: readonly string[]) => head.slice(1).map((h, i) => [h, row[i + 1] ?? '']);
  return rows.map((row) => recordTable(row[0] ?? '', record(row), unicode, width)).join('\n\n');
}

/** The last resort: a two-column table whose words are cut to fit, so it always fits `max` (never recurses). */
function recordTable(title: string, pairs: string[][], unicode: boolean, max: number): string {
  const room = max - 3 - 4; // three borders, two cells' padding
  const labelWords = pairs.flatMap(([label]) => (label ?? '').split(/\s+/).map((w) => w.length));
  const label = Math.max(1, Math.min(Math.max(0, ...labelWords), Math.floor(room / 3)));
  const value = room - label;
  const rows = pairs.map(([l, v]) => [l ?? '', v ?? '']);
  return render(['', title], rows, unicode, [label + 2, value + 2]);
}

/** cli-table3 with the given column widths (wrapping at word boundaries), or natural widths when null. */
function render(head: string[], rows: string[][], unicode: boolean, colWidths: number[] | null): string {
  // Cells wrapped here (cli-table3's own wrapping truncates a word wider than its column and is super-linear).
  const wrapped = (row: readonly string[]) =>
    colWidths ? row.map((text, i) => wrapLines(text, (colWidths[i] ?? 3) - 2).join('\n')) : [...row];
  const table = new Table({
    head: wrapped(head),
    style: PLAIN,
    ...(unicode ? {} : { chars: ASCII_CHARS }),
    ...(colWidths ? { colWidths } : {}),
  });
  table.push(...rows.map(wrapped));
  return table.toString();
}

/** Header of the speedup column, e.g. "speedup vs writethrough (95% interval)". */
export function speedupHead(baseline: string): string {
  return `speedup vs ${baseline} (95% interval)`;
}

/** Columns of a per-mode summary table (the report's names when `long`); no speedup column without a baseline. */
export function summaryHead(baseline: string | null, long: boolean): string[] {
  const names = long
    ? ['mode', 'real (median)', 'user', 'sys', 'time to durable', 'MB/s (data / real)', 'spread', 'dirty after exit']
    : ['mode', 'real', 'user', 'sys', 'durable', 'MB/s', 'spread', 'dirty after'];
  return [...names, ...(baseline === null ? [] : [speedupHead(baseline)]), 'runs'];
}

/** One mode's row under {@link summaryHead}: a measured mode's medians, or why it has none. */
export function summaryRow(m: ModeSummary, baseline: string | null, long: boolean): string[] {
  const speedup = baseline === null ? [] : [m.mode === baseline ? 'baseline' : ratioWithCi(m.speedup)];
  const runs = `${m.runs}${m.failed ? ` (+${m.failed} failed)` : ''}`;
  if (m.state === 'measured') {
    const medians = [med(m.real), med(m.user), med(m.sys), med(m.durable), mbps(m.throughput)];
    return [m.mode, ...medians, spread(m.real), mib(m.dirtyAfterKiB?.median), ...speedup, runs];
  }
  const why = m.state === 'not-run' ? 'not run' : `${m.state}: ${m.error ?? ''}`;
  if (!long) return [m.mode, m.state, '', '', '', '', '', '', ...speedup.map(() => ''), (m.error ?? '').slice(0, 60)];
  return [m.mode, why, '-', '-', '-', '-', '-', '-', ...speedup.map(() => '-'), `0 (${m.failed} failed)`];
}

/**
 * The summary table of one case for the terminal: medians, spread, dirty residue, speedup vs baseline, runs; at most
 * `columns` wide (the terminal's width; wrapped, or turned into records, below its natural width).
 */
export function summaryTable(results: Results, caseId: string, columns = TERMINAL_TABLE_WIDTH): string {
  const baseline = results.summary.baseline;
  const modes = results.summary.cases.find((c) => c.caseId === caseId)?.modes ?? [];
  return asciiTable(
    summaryHead(baseline, false),
    modes.map((m) => summaryRow(m, baseline, false)),
    true,
    columns,
  );
}
