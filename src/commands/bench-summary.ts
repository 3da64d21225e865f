// The terminal summary after a bench: the tables, the verdict and the warnings, as text for stderr.
import { join, relative } from 'node:path';
import { memoryRows } from '../analyze/memory.ts';
import { distinct } from '../model/lists.ts';
import { projectRule } from '../model/project-rules.ts';
import type { Results } from '../model/results.ts';
import { formatBytes } from '../model/units.ts';
import { durableAtReturnOf, optionSetText, recommendationText } from '../report/choice-text.ts';
import { runCountText, samplingText, warningTexts } from '../report/finding-text.ts';
import { summaryTable } from '../report/table.ts';
import { type VerdictLayers, verdictLayers } from '../report/verdict-text.ts';

/** The summary tables (at most `columns` wide), the verdict, the warnings and where the files are. */
export function terminalSummary(results: Results, outDir: string, columns?: number): string {
  const where = relative(process.cwd(), outDir) || '.';
  const parts: string[] = [];
  for (const c of results.summary.cases) {
    if (results.summary.cases.length > 1) parts.push(`\ncase ${c.caseId}\n`);
    parts.push(`${summaryTable(results, c.caseId, columns)}\n`);
  }
  const stopped = samplingText(results);
  if (results.sampling && stopped) parts.push(`${runCountText(results)}; sampling stopped: ${stopped}\n`);
  if (results.config.memoryLimitBytes !== null) parts.push(memoryLines(results, results.config.memoryLimitBytes));
  const across = results.optionSetChoice;
  if (across) parts.push(`\nWhat to choose here: ${optionSetText(across)}\n`);
  for (const r of results.projectRuns.length ? [] : results.recommendations) {
    const which = results.summary.cases.length > 1 ? ` [${r.caseId}]` : '';
    parts.push(`\nWhat to choose here${which}: ${recommendationText(r)}\nProjects' rules here: ${picksText(r)}.\n`);
  }
  const verdicts = distinct(results.verdicts.map((v) => verdictLines(verdictLayers(results, v))));
  for (const text of verdicts) parts.push(`\n${text}\n`);
  for (const w of warningTexts(results)) parts.push(`warning: ${w}\n`);
  const files = `report: ${join(where, 'report.md')} (also report.txt, report.html, charts/)`;
  parts.push(`\nresults: ${join(where, 'results.json')}, ${files}\n`);
  return parts.join('');
}

/**
 * The projects grouped by what their rule picks here, each group once with its cost: "writeback: KubeVirt CDI (1.00x
 * the fastest durable time); none: OpenStack Nova, oVirt/vdsm (1.22x ...); unknown here: Incus" (the report has rows).
 */
export function picksText(r: Results['recommendations'][number]): string {
  const groups = new Map<string, { cost: string; names: string[] }>();
  for (const c of r.projects) {
    const label = c.state === 'command' ? (c.mode ?? '-') : c.state === 'unknown' ? 'unknown' : 'not here';
    const cost = c.state !== 'command' ? '' : c.mode === r.fastest ? 'the fastest' : shortCost(c);
    const group = groups.get(label) ?? { cost, names: [] };
    group.names.push(projectRule(c.project).short);
    groups.set(label, group);
  }
  return [...groups].map(([label, g]) => `${label}: ${g.names.join(', ')}${g.cost ? ` (${g.cost})` : ''}`).join('; ');
}

/** A pick's cost in a few words: "1.10x", or "1.01x, not durable at return". */
function shortCost(c: Results['recommendations'][number]['projects'][number]): string {
  if (c.costRatio === null) return 'no successful run';
  return `${c.costRatio.toFixed(2)}x${durableAtReturnOf(c) ? '' : ', not durable at return'}`;
}

/** One line per case x mode of a memory-limited run. */
function memoryLines(results: Results, limit: number): string {
  const size = (b: number | null) => (b === null ? '?' : formatBytes(b));
  const lines = memoryRows(results).map((r) => {
    const which = results.summary.cases.length > 1 ? `[${r.caseId}] ` : '';
    return (
      `  ${which}${r.mode}: peak ${size(r.peakMedian)} (max ${size(r.peakMax)}), dirty + writeback peak ` +
      `${size(r.dirtyMax)}, OOM kills ${r.oomKills} of ${r.runs}`
    );
  });
  return `\nMemory limit ${formatBytes(limit)} (a cgroup per conversion):\n${lines.join('\n')}\n`;
}

/** A verdict's headline and bullets for the terminal (the detail is in the report). */
function verdictLines(layers: VerdictLayers): string {
  return [layers.headline, ...layers.bullets.map((b) => `  - ${b}`)].join('\n');
}
