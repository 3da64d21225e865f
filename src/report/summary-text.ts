// summary.txt: the headline and its bullets alone, for trackers and lists that break tables: Launchpad (proportional
// font, runs of spaces collapsed, a line starting with "|" shown as a quote) and mailing lists (pure).
import type { Results } from '../model/results.ts';
import { distinctVerdicts } from './bench-document.ts';
import { matrixHeadlines } from './case-difference-text.ts';
import { measuredUnderTcg, TCG_NOTE } from './storage-text.ts';
import { toAscii, wrap } from './text.ts';

/** Widest line of summary.txt: reads in a mail client and a tracker comment alike. */
const WIDTH = 100;

/** Most lines summary.txt has: it is the part of a report a reader sees before deciding to open the rest. */
export const SUMMARY_MAX_LINES = 15;

/**
 * The summary: the verdict's headline and bullets, or for a matrix each case's headline and what changed between
 * the cases (ASCII, wrapped at 100 columns, continuation lines indented, no
 * table, no line starting with "|"), then where the full report is; cut to {@link SUMMARY_MAX_LINES} lines.
 */
export function renderSummary(results: Results): string {
  const lines: string[] = [];
  const emulated = [
    ...(results.emulation ? [`${results.emulation}.`] : []),
    ...(measuredUnderTcg(results) ? [TCG_NOTE] : []),
  ];
  for (const text of emulated) lines.push(...wrap(toAscii(text), WIDTH).split('\n'));
  if (results.cases.length > 1 && !results.projectRuns.length) {
    for (const text of matrixHeadlines(results)) lines.push(...wrap(toAscii(text), WIDTH).split('\n'));
  } else {
    for (const { prefix, layers } of distinctVerdicts(results)) {
      lines.push(...wrap(toAscii(`${prefix}${layers.headline}`), WIDTH).split('\n'));
      for (const bullet of layers.bullets) {
        const [first = '', ...rest] = wrap(toAscii(bullet), WIDTH - 2).split('\n');
        lines.push(`- ${first}`, ...rest.map((l) => `  ${l}`));
      }
    }
  }
  const tail = 'Full report, tables and charts: report.md / report.html (attached); data: results.json.';
  const kept = lines.length + 1 > SUMMARY_MAX_LINES ? lines.slice(0, SUMMARY_MAX_LINES - 2) : lines;
  const cut = kept.length < lines.length ? ['(cut here: the rest is in the report)'] : [];
  return `${[...kept, ...cut, tail].map((l) => l.replace(/^\|/, '/')).join('\n')}\n`;
}
