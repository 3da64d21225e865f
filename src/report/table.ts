// Terminal and plain-text tables (cli-table3, no colour codes): per mode medians, spread and speedup.
import Table from 'cli-table3';
import type { ModeSummary, Results } from '../model/results.ts';
import { med, mib, ratioWithCi, spread } from '../model/units.ts';

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

/** A cli-table3 table as text without colour codes (ASCII borders unless `unicode`); a table too wide for a bug tracker wraps its widest column. */
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

/** A measured mode's summary row: median real/user/sys/durable, spread, dirty residue, speedup vs baseline, runs. */
export function measuredRow(m: ModeSummary, baseline: string): string[] {
  return [
    m.mode,
    med(m.real),
    med(m.user),
    med(m.sys),
    med(m.durable),
    spread(m.real),
    mib(m.dirtyAfterKiB?.median),
    m.mode === baseline ? 'baseline' : ratioWithCi(m.speedup),
    `${m.runs}${m.failed ? ` (+${m.failed} failed)` : ''}`,
  ];
}

/** The summary table of one case: median real/user/sys/durable, spread, dirty residue and speedup vs baseline. */
export function summaryTable(results: Results, caseId: string): string {
  const summary = results.summary.cases.find((c) => c.caseId === caseId);
  const rows = (summary?.modes ?? []).map((m) =>
    m.state === 'measured'
      ? measuredRow(m, results.summary.baseline)
      : [m.mode, m.state, '', '', '', '', '', '', (m.error ?? '').slice(0, 60)],
  );
  return asciiTable(
    [
      'mode',
      'real',
      'user',
      'sys',
      'durable',
      'spread',
      'dirty after',
      `speedup vs ${results.summary.baseline} (95% CI)`,
      'runs',
    ],
    rows,
    true,
  );
}
