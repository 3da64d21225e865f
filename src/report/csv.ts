// results.csv: one row per run (warm-ups included, flagged).
import type { Results } from '../model/results.ts';

const COLUMNS = [
  'caseId',
  'mode',
  'run',
  'round',
  'warmup',
  'state',
  'real',
  'user',
  'sys',
  'sync',
  'durable',
  'exitCode',
  'outputBytes',
  'dirtyAfterKiB',
  'cacheDrop',
  'verified',
  'startedAt',
  'error',
  'stderrTail',
] as const;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** Renders every sample as a CSV row with a header line. */
export function renderCsv(results: Results): string {
  const rows = results.samples.map((s) => COLUMNS.map((c) => cell(s[c])).join(','));
  return `${COLUMNS.join(',')}\n${rows.map((r) => `${r}\n`).join('')}`;
}
