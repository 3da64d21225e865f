// Terminal and plain-text tables (cli-table3, no colour codes): per mode medians, spread and speedup.
import Table from 'cli-table3';
import type { ModeSummary, Results } from '../model/results.ts';
import { mbps, med, mib, ratioWithCi, spread } from '../model/units.ts';

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

/** Widest a plain-text table may get before its widest column wraps. */
const MAX_TABLE_WIDTH = 120;

/** Column widths that keep a table within MAX_TABLE_WIDTH by wrapping its widest column, or null when it fits. */
export function fittedWidths(head: readonly string[], rows: readonly (readonly string[])[]): number[] | null {
  const natural = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)) + 2);
  const total = natural.reduce((a, b) => a + b, 0) + natural.length + 1;
  if (total <= MAX_TABLE_WIDTH) return null;
  const widest = natural.indexOf(Math.max(...natural));
  const others = total - (natural[widest] as number);
  return natural.map((w, i) => (i === widest ? Math.max(20, MAX_TABLE_WIDTH - others) : w));
}

/**
 * A cli-table3 table as text without colour codes (ASCII borders unless `unicode`); a table too wide for a bug tracker
 * wraps its widest column.
 */
export function asciiTable(head: string[], rows: string[][], unicode = false): string {
  const colWidths = fittedWidths(head, rows);
  const table = new Table({
    head,
    style: PLAIN,
    ...(unicode ? {} : { chars: ASCII_CHARS }),
    ...(colWidths ? { colWidths, wordWrap: true, wrapOnWordBoundary: true } : {}),
  });
  table.push(...rows);
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

/** The summary table of one case for the terminal: medians, spread, dirty residue, speedup vs baseline, runs. */
export function summaryTable(results: Results, caseId: string): string {
  const baseline = results.summary.baseline;
  const modes = results.summary.cases.find((c) => c.caseId === caseId)?.modes ?? [];
  return asciiTable(
    summaryHead(baseline, false),
    modes.map((m) => summaryRow(m, baseline, false)),
    true,
  );
}
