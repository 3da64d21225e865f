// The compare command: load several results.json, compare them with the first, write compare.md/.txt/.json and charts.
import { realpathSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { type CompareInput, compareRuns } from '../analyze/comparison.ts';
import { DEFAULTS } from '../config/defaults.ts';
import { stamp } from '../config/resolve.ts';
import { type Ending, UsageError } from '../model/errors.ts';
import type { Invocation } from '../model/invocation.ts';
import { uniqueLabels } from '../model/lists.ts';
import { COMPARE_FILES, compareWarningText, headlines, renderComparison, whereLine } from '../report/compare-report.ts';
import { OutputManager, validateOutDir } from '../report/file-writer.ts';
import { readResults } from './results-file.ts';

/** Labels inputs by their folder name, falling back to host and index when folders repeat. */
export function inputLabels(paths: readonly string[], hosts: readonly string[]): string[] {
  const names = paths.map((p) => basename(dirname(resolve(p))));
  return uniqueLabels(names, (i) => `${hosts[i] ?? 'run'}#${i + 1}`);
}

/** A file named more than once (by any path to it: links and ./ included), or null. */
function repeatedFile(paths: readonly string[]): string | null {
  const seen = new Set<string>();
  for (const p of paths) {
    let real = resolve(p);
    try {
      real = realpathSync(real);
    } catch {
      /* a missing file is reported when it is read */
    }
    if (seen.has(real)) return p;
    seen.add(real);
  }
  return null;
}

/** Runs `compare`; returns how it ended. */
export async function runCompareCommand(args: Invocation): Promise<Ending> {
  const count = args.positionals.length;
  if (count < 1) {
    const usage = 'usage: npm run compare -- A/results.json B/results.json';
    throw new UsageError(`compare needs results.json files (one gives a one-row summary, as a fleet of one); ${usage}`);
  }
  const twice = repeatedFile(args.positionals);
  if (twice) {
    throw new UsageError(`${twice} is named twice: compare needs different runs (the same file says nothing new)`);
  }
  const loaded = args.positionals.map((p) => ({ path: resolve(p), results: readResults(resolve(p)) }));
  const labels = inputLabels(
    loaded.map((l) => l.path),
    loaded.map((l) => l.results.host.hostname),
  );
  const inputs: CompareInput[] = loaded.map((l, i) => ({ ...l, label: labels[i] as string }));
  const out =
    typeof args.values.out === 'string' ? args.values.out : join(DEFAULTS.resultsRoot, `compare-${stamp(new Date())}`);
  const outDir = resolve(out);
  validateOutDir(outDir);
  const comparison = compareRuns(inputs);
  const output = new OutputManager(outDir, COMPARE_FILES);
  output.create();
  output.write(await renderComparison(comparison));
  if (!args.values.quiet) {
    for (const line of [...headlines(comparison), whereLine(comparison) ?? []].flat()) {
      process.stderr.write(`${line}\n`);
    }
    for (const w of comparison.warnings) process.stderr.write(`warning: ${compareWarningText(w)}\n`);
    process.stderr.write(`comparison: ${join(relative(process.cwd(), outDir) || '.', 'compare.md')}\n`);
  }
  return 'ok';
}
