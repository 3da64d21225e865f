// The terminal summary after a bench: the tables, the verdict and the warnings, as text for stderr.
import { join, relative } from 'node:path';
import { costText, recommendations, recommendationText } from '../analyze/recommendation.ts';
import { verdicts } from '../analyze/verdict.ts';
import type { Results } from '../model/results.ts';
import { summaryTable } from '../report/table.ts';

/** The summary tables, the verdict, the warnings and where the files are. */
export function terminalSummary(results: Results, outDir: string): string {
  const where = relative(process.cwd(), outDir) || '.';
  const parts: string[] = [];
  for (const c of results.summary.cases) {
    if (results.summary.cases.length > 1) parts.push(`\ncase ${c.caseId}\n`);
    parts.push(`${summaryTable(results, c.caseId)}\n`);
  }
  if (results.sampling)
    parts.push(`${results.sampling.rounds} runs per mode; sampling stopped: ${results.sampling.reason}\n`);
  for (const r of recommendations(results)) {
    const picks = r.projects.map((c) => `${c.project} ${c.mode ?? '-'} (${costText(c)})`).join('; ');
    parts.push(`\nWhat to choose here: ${recommendationText(r)}\nProjects' rules here: ${picks}.\n`);
  }
  for (const v of verdicts(results)) parts.push(`\n${v.text}\n`);
  for (const w of results.warnings) parts.push(`warning: ${w}\n`);
  const files = `report: ${join(where, 'report.md')} (also report.txt, report.html, charts/)`;
  parts.push(`\nresults: ${join(where, 'results.json')}, ${files}\n`);
  return parts.join('');
}
