// Results files of schema 1 carry speedups from a bootstrap of medians whose stated 95% was not true at 3 runs:
// they are summarised again from their samples with today's statistics when read.
import { runWarnings, summarize } from '../analyze/summary.ts';
import { loadResults, type Results, SCHEMA_VERSION } from '../model/results.ts';

/** The results with their summary and warnings recomputed from the samples when the file predates schema 2. */
export function upgradeResults(results: Results): Results {
  if (results.schemaVersion === SCHEMA_VERSION) return results;
  const caseIds = results.cases.map((c) => c.id);
  const baseline = results.config.modes.includes(results.summary.baseline ?? '') ? results.summary.baseline : null;
  const summary = summarize(results.samples, caseIds, results.config.modes, baseline);
  return { ...results, schemaVersion: SCHEMA_VERSION, summary, warnings: runWarnings(summary) };
}

/** Reads, validates and upgrades a results.json (any problem is a one-line UsageError). */
export function readResults(path: string): Results {
  return upgradeResults(loadResults(path));
}
