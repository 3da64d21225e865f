// Running one bench into its results folder (shared by bench and sweep) and the terminal summary after it.
import { join, relative } from 'node:path';
import { verdicts } from '../analyze/verdict.ts';
import { withSignals } from '../cli/signals.ts';
import type { ResolvedConfig } from '../config/resolve.ts';
import { REPORT_RENDERERS, ownedNames, renderDataFiles, renderWith } from '../report/registry.ts';
import { loadResults, type Results } from '../report/schema.ts';
import { summaryTable } from '../report/table.ts';
import { OutputManager } from '../report/write.ts';
import { runBench, type BenchUi } from '../run/bench.ts';

/** Runs one bench into `config.outDir` (results after every run, reports at the end); handles SIGINT/SIGTERM. */
export async function benchToFolder(config: ResolvedConfig, ui: BenchUi, previous?: Results): Promise<{ exitCode: number; results: Results | null }> {
  const output = new OutputManager(config.outDir, ownedNames());
  output.create();
  const where = relative(process.cwd(), config.outDir) || '.';
  let last: Results | null = previous ?? null;
  const checkpoint = (results: Results) => {
    last = results;
    output.write(renderDataFiles(results));
  };
  return withSignals(async (scope) => {
    try {
      const { outcome } = await runBench(config, ui, checkpoint, scope.signal, previous);
      // Reports are rendered from the saved file, re-read and validated, as `npm run report` would.
      const results = loadResults(join(config.outDir, 'results.json'));
      output.write(await renderWith(REPORT_RENDERERS, results));
      if (outcome.interrupted) {
        process.stderr.write(`interrupted: ${results.samples.length} finished runs saved in ${join(where, 'results.json')} (complete: false); continue with --resume ${where}\n`);
        return { exitCode: scope.exitCode(), results };
      }
      return { exitCode: 0, results };
    } catch (error) {
      if (!last) output.removeIfEmpty();
      if (scope.received()) {
        process.stderr.write(`interrupted before the plan finished${last ? `: finished runs saved in ${join(where, 'results.json')} (complete: false)` : ''}\n`);
        return { exitCode: scope.exitCode(), results: null };
      }
      throw error;
    }
  }, (name) => ui.note(`\n${name}: stopping qemu-img and saving the finished runs...`));
}

/** Prints the summary tables, the verdict and the warnings on stderr. */
export function printSummary(results: Results, outDir: string): void {
  const where = relative(process.cwd(), outDir) || '.';
  for (const c of results.summary.cases) {
    if (results.summary.cases.length > 1) process.stderr.write(`\ncase ${c.caseId}\n`);
    process.stderr.write(`${summaryTable(results, c.caseId)}\n`);
  }
  for (const v of verdicts(results)) process.stderr.write(`\n${v.text}\n`);
  for (const w of results.warnings) process.stderr.write(`warning: ${w}\n`);
  process.stderr.write(`\nresults: ${join(where, 'results.json')}, report: ${join(where, 'report.md')} (also report.txt, report.html, charts/)\n`);
}
