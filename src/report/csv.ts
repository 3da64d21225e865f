// results.csv: one row per run (warm-ups included, flagged), columns named with their units, the host and the run's
// start on every row so that the CSVs of a fleet concatenate; text cells are guarded against spreadsheet formulas.
import type { Results, Sample } from '../model/results.ts';

/** Each column: its name (unit-suffixed where it has a unit) and its value in a run. */
const COLUMNS: readonly (readonly [string, (s: Sample, r: Results) => unknown])[] = [
  ['host', (_, r) => r.host.hostname],
  ['run_started_at', (_, r) => r.startedAt],
  ['case_id', (s) => s.caseId],
  ['mode', (s) => s.mode],
  ['run', (s) => s.run],
  ['round', (s) => s.round],
  ['warmup', (s) => s.warmup],
  ['state', (s) => s.state],
  ['failure', (s) => s.failure],
  ['real_s', (s) => s.real],
  ['user_s', (s) => s.user],
  ['sys_s', (s) => s.sys],
  ['sync_s', (s) => s.sync],
  ['durable_s', (s) => s.durable],
  ['exit_code', (s) => s.exitCode],
  ['output_bytes', (s) => s.outputBytes],
  ['dirty_after_kib', (s) => s.dirtyAfterKiB],
  ['cache_drop', (s) => s.cacheDrop],
  ['verified', (s) => s.verified],
  ['flush_calls', (s) => s.flushes?.calls],
  ['flush_wait_s', (s) => s.flushes?.waitSeconds],
  ['unflushed_bytes', (s) => s.flushes?.unflushedBytes],
  ['started_at', (s) => s.startedAt],
  ['error', (s) => s.error],
  ['stderr_tail', (s) => s.stderrTail],
];

/** The header line's column names. */
export const CSV_COLUMNS = COLUMNS.map(([name]) => name);

/**
 * One CSV cell: numbers and booleans as written; text that a spreadsheet would run as a formula (starting with
 * `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`; quoted when it holds a comma, quote or newline.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const raw = String(value);
  const text = /^[=+\-@\t\r]/.test(raw) ? `'${raw}` : raw;
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Renders every sample as a CSV row with a header line. */
export function renderCsv(results: Results): string {
  const rows = results.samples.map((s) => COLUMNS.map(([, value]) => csvCell(value(s, results))).join(','));
  return `${CSV_COLUMNS.join(',')}\n${rows.map((r) => `${r}\n`).join('')}`;
}
