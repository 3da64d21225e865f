// Reading a results.json: size and JSON checks, the schema, and files of older schemas brought up to date (their
// summary computed again from their samples with today's statistics); findings always follow today's rules.
import { readFileSync, statSync } from 'node:fs';
import { findingsOf } from '../analyze/findings.ts';
import { summarize } from '../analyze/summary.ts';
import { UsageError } from '../model/errors.ts';
import { caseModes } from '../model/plan.ts';
import { parseResults, type Results, SCHEMA_VERSION } from '../model/results.ts';

/** Largest results file read (a real one is well under 10 MiB). */
export const MAX_RESULTS_BYTES = 64 * 1024 * 1024;

/** Reads and validates a results.json as written; any problem is a one-line UsageError. */
export function loadResults(path: string): Results {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new UsageError(`${path} is a directory; pass the results.json inside it`);
    size = stat.size;
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot read ${path}: ${code}; pass the path of a results.json`);
  }
  if (size > MAX_RESULTS_BYTES)
    throw new UsageError(
      `${path} is ${size} bytes, too large for a results file; pass the results.json of a bench run`,
    );
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new UsageError(`cannot read ${path}: ${code}; check its permissions`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UsageError(`${path} is not JSON; pass the results.json of a bench run`);
  }
  return parseResults(data, path);
}

/**
 * The results with their findings (verdict, warnings, recommendation) computed again with today's rules, and their
 * summary too when the file predates this schema. The measured samples are never changed.
 */
export function upgradeResults(results: Results): Results {
  if (results.schemaVersion === SCHEMA_VERSION) return { ...results, ...findingsOf(results) };
  const caseIds = results.cases.map((c) => c.id);
  const baseline = results.config.modes.includes(results.summary.baseline ?? '') ? results.summary.baseline : null;
  const modesOf = (id: string) =>
    caseModes(results.cases.find((c) => c.id === id) ?? { command: null }, results.config.modes);
  const summary = summarize(results.samples, caseIds, modesOf, baseline);
  const upgraded = { ...results, schemaVersion: SCHEMA_VERSION, summary };
  return { ...upgraded, ...findingsOf(upgraded) };
}

/** Reads, validates and upgrades a results.json (any problem is a one-line UsageError). */
export function readResults(path: string): Results {
  return upgradeResults(loadResults(path));
}
