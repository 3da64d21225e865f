// Terminal and plain-text tables (cli-table3, no colour codes): per mode medians, spread and speedup.
import Table from 'cli-table3';
import type { Results } from './schema.ts';
import { med, ratioWithCi, spread, mib, meanSd, range, ci } from './format.ts';

const PLAIN = { head: [] as string[], border: [] as string[] };

/** A cli-table3 table as text, without colour codes. */
export function asciiTable(head: string[], rows: string[][]): string {
  const table = new Table({ head, style: PLAIN });
  table.push(...rows);
  return table.toString();
}

/** The summary table of one case: median real/user/sys/durable, spread, dirty residue and speedup vs baseline. */
export function summaryTable(results: Results, caseId: string): string {
  const summary = results.summary.cases.find((c) => c.caseId === caseId);
  const rows = (summary?.modes ?? []).map((m) =>
    m.state === 'measured'
      ? [m.mode, med(m.real), med(m.user), med(m.sys), med(m.durable), spread(m.real), mib(m.dirtyAfterKiB?.median), m.mode === results.summary.baseline ? 'baseline' : ratioWithCi(m.speedup), `${m.runs}${m.failed ? ` (+${m.failed} failed)` : ''}`]
      : [m.mode, m.state, '', '', '', '', '', '', (m.error ?? '').slice(0, 60)],
  );
  return asciiTable(['mode', 'real', 'user', 'sys', 'durable', 'spread', 'dirty after', `speedup vs ${results.summary.baseline} (95% CI)`, 'runs'], rows);
}

/** The detailed statistics table of one metric for one case: median, mean ± sd, min-max, 95% CI. */
export function metricTable(results: Results, caseId: string, metric: 'real' | 'user' | 'sys' | 'durable' | 'sync'): string {
  const summary = results.summary.cases.find((c) => c.caseId === caseId);
  const rows = (summary?.modes ?? []).filter((m) => m.state === 'measured').map((m) => [m.mode, med(m[metric]), meanSd(m[metric]), range(m[metric]), ci(m[metric])]);
  return asciiTable(['mode', 'median', 'mean ± sd', 'min-max', '95% CI of mean'], rows);
}
