// The compare command: load several results.json, compare them with the first, write compare.md, compare.txt and charts.
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { ParsedArgs } from '../cli/args.ts';
import { UserError } from '../cli/errors.ts';
import { compareRuns, type CompareInput } from '../analyze/compare.ts';
import { DEFAULTS } from '../config/defaults.ts';
import { stamp } from '../config/resolve.ts';
import { COMPARE_FILES, renderComparison } from '../report/compare.ts';
import { loadResults } from '../report/schema.ts';
import { OutputManager, validateOutDir } from '../report/write.ts';

/** Labels inputs by their folder name, falling back to host and index when folders repeat. */
export function inputLabels(paths: readonly string[], hosts: readonly string[]): string[] {
  const names = paths.map((p) => basename(dirname(resolve(p))));
  return names.map((n, i) => (names.indexOf(n) !== names.lastIndexOf(n) ? `${hosts[i] ?? 'run'}#${i + 1}` : n));
}

/** Runs `compare`; returns the exit code. */
export async function runCompareCommand(args: ParsedArgs): Promise<number> {
  if (args.positionals.length < 2) throw new UserError(`compare needs at least two results.json files, got ${args.positionals.length}; usage: npm run compare -- A/results.json B/results.json`);
  const loaded = args.positionals.map((p) => ({ path: resolve(p), results: loadResults(resolve(p)) }));
  const labels = inputLabels(loaded.map((l) => l.path), loaded.map((l) => String((l.results.host as { hostname?: string }).hostname ?? 'run')));
  const inputs: CompareInput[] = loaded.map((l, i) => ({ ...l, label: labels[i] as string }));
  const outDir = resolve(typeof args.values.out === 'string' ? args.values.out : join(DEFAULTS.resultsRoot, `compare-${stamp(new Date())}`));
  validateOutDir(outDir);
  const comparison = compareRuns(inputs);
  const output = new OutputManager(outDir, COMPARE_FILES);
  output.create();
  output.write(await renderComparison(comparison));
  if (!args.values.quiet) {
    for (const w of comparison.warnings) process.stderr.write(`warning: ${w}\n`);
    process.stderr.write(`comparison: ${join(relative(process.cwd(), outDir) || '.', 'compare.md')}\n`);
  }
  return 0;
}
