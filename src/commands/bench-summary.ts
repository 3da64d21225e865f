// The terminal summary after a bench: the tables, the verdict and the warnings, as text for stderr.
import { join, relative } from 'node:path';
import { memoryRows } from '../analyze/memory.ts';
import { distinct } from '../model/lists.ts';
import { projectRule } from '../model/project-rules.ts';
import type { Results } from '../model/results.ts';
import { formatBytes } from '../model/units.ts';
import { matrixHeadlines as matrixHeadlineLines } from '../report/case-difference-text.ts';
import { durableAtReturnOf, optionSetText } from '../report/choice-text.ts';
import { runCountText, samplingText, warningTexts } from '../report/finding-text.ts';
import { summaryTable } from '../report/table.ts';
import { wrap } from '../report/text.ts';
import { type VerdictLayers, verdictLayers } from '../report/verdict-text.ts';

/**
 * The terminal summary: the headline and its bullets (for a matrix: what changed between the cases, each case's
 * headline and one choice across cases), the tables (at most `columns` wide), one projects line, warnings, the files.
 */
export function terminalSummary(results: Results, outDir: string, columns?: number): string {
  const where = relative(process.cwd(), outDir) || '.';
  const several = results.summary.cases.length > 1;
  // --as-projects runs one case per command: its verdict (the projects' commands against each other) is one headline
  const matrix = several && !results.projectRuns.length;
  const parts: string[] = [matrix ? matrixHeadlines(results) : singleHeadline(results)];
  for (const c of results.summary.cases) {
    if (several) parts.push(`\ncase ${c.caseId}\n`);
    parts.push(`${summaryTable(results, c.caseId, columns)}\n`);
  }
  const stopped = samplingText(results);
  if (results.sampling && stopped) parts.push(`${runCountText(results)}; sampling stopped: ${stopped}\n`);
  if (results.config.memoryLimitBytes !== null) parts.push(memoryLines(results, results.config.memoryLimitBytes));
  const across = results.optionSetChoice;
  if (across) parts.push(`\nWhat to choose here: ${optionSetText(across)}\n`);
  parts.push(projectsLine(results));
  for (const w of warningTexts(results)) parts.push(`warning: ${w}\n`);
  const files = `report: ${join(where, 'report.md')} (also report.txt, report.html, summary.txt, charts/)`;
  parts.push(`\nresults: ${join(where, 'results.json')}, ${files}\n`);
  return fitLines(parts.join(''), columns ?? 120);
}

/** Every line of words at most `width` wide, continued under its own indent; the tables already fit. */
function fitLines(text: string, width: number): string {
  return text
    .split('\n')
    .map((line) => {
      if (line.length <= width || /^[┌│├└╔║╟╚]/.test(line)) return line;
      const indent = /^(\s*(?:- |\[[^\]]*\] )?)/.exec(line)?.[1]?.replace(/\S/g, ' ') ?? '';
      const lead = /^\s*/.exec(line)?.[0] ?? '';
      const [first = '', ...rest] = wrap(line, width - indent.length).split('\n');
      return [`${lead}${first}`, ...rest.map((l) => `${indent}${l}`)].join('\n');
    })
    .join('\n');
}

/** One case: its verdict's headline and bullets. */
function singleHeadline(results: Results): string {
  const v = results.verdicts[0];
  return v ? `${verdictLines(verdictLayers(results, v))}\n\n` : '';
}

/** A matrix: each case's headline once, then what changed between the cases (the bullets are in the report). */
function matrixHeadlines(results: Results): string {
  const lines = matrixHeadlineLines(results);
  return lines.length ? `${lines.join('\n\n')}\n\n` : '';
}

/** The projects' picks in one line: once when every case gives the same, else per case (the report has the rows). */
function projectsLine(results: Results): string {
  if (results.projectRuns.length) return '';
  const picks = results.recommendations.map((r) => ({ caseId: r.caseId, text: picksText(r) }));
  if (!picks.length) return '';
  if (distinct(picks.map((p) => p.text)).length === 1) return `\nProjects' rules here: ${picks[0]?.text}.\n`;
  return `\nProjects' rules here, per case:\n${picks.map((p) => `  [${p.caseId}] ${p.text}.`).join('\n')}\n`;
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
