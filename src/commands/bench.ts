// The bench command: resolve options, run the plan with signal handling, export results and reports.
import { join, relative } from 'node:path';
import type { ParsedArgs } from '../cli/args.ts';
import { terminalUi } from '../cli/progress.ts';
import { resolveBenchConfig } from '../config/resolve.ts';
import { REPORT_RENDERERS, ownedNames, renderDataFiles, renderWith } from '../report/registry.ts';
import { renderJson } from '../report/json.ts';
import { summaryTable } from '../report/table.ts';
import { OutputManager } from '../report/write.ts';
import type { Results } from '../report/schema.ts';
import { runBench } from '../run/bench.ts';
import { verdicts } from '../analyze/verdict.ts';

/** Exit codes for a run ended by SIGINT / SIGTERM. */
const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** Runs `bench`; returns the exit code. */
export async function runBenchCommand(args: ParsedArgs): Promise<number> {
  const config = await resolveBenchConfig(args);
  const ui = terminalUi(config.quiet);
  const output = new OutputManager(config.outDir, ownedNames());
  output.create();
  const controller = new AbortController();
  let signalName: string | null = null;
  const onSignal = (name: NodeJS.Signals) => {
    signalName ??= name;
    ui.note(`\n${name}: stopping qemu-img and saving the finished runs...`);
    controller.abort(name);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  let last: Results | null = null;
  const checkpoint = (results: Results) => {
    last = results;
    output.write(renderDataFiles(results));
  };
  try {
    const { results, outcome } = await runBench(config, ui, checkpoint, controller.signal);
    output.write(await renderWith(REPORT_RENDERERS, results));
    const where = relative(process.cwd(), config.outDir) || '.';
    if (config.json) process.stdout.write(renderJson(results));
    if (!config.quiet) {
      for (const c of results.summary.cases) {
        if (results.summary.cases.length > 1) process.stderr.write(`\ncase ${c.caseId}\n`);
        process.stderr.write(`${summaryTable(results, c.caseId)}\n`);
      }
      for (const v of verdicts(results)) process.stderr.write(`\n${v.text}\n`);
      for (const w of results.warnings) process.stderr.write(`warning: ${w}\n`);
      process.stderr.write(`\nresults: ${join(where, 'results.json')}${REPORT_RENDERERS.length ? `, report: ${join(where, 'report.md')}` : ''}\n`);
    }
    if (outcome.interrupted) {
      process.stderr.write(`interrupted: ${results.samples.length} finished runs saved in ${join(where, 'results.json')} (complete: false); continue with --resume ${where}\n`);
      return SIGNAL_EXIT[signalName ?? 'SIGINT'] ?? 130;
    }
    const anyMeasured = results.summary.cases.some((c) => c.modes.some((m) => m.state === 'measured'));
    return anyMeasured ? 0 : 1;
  } catch (error) {
    if (signalName && last) {
      process.stderr.write(`interrupted: finished runs saved in ${join(config.outDir, 'results.json')} (complete: false)\n`);
      return SIGNAL_EXIT[signalName] ?? 130;
    }
    throw error;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
