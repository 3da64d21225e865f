// The bench command: resolve options, run the plan with signal handling, export results and reports.
import type { ParsedArgs } from '../cli/args.ts';
import { terminalUi } from '../cli/progress.ts';
import { resolveBenchConfig } from '../config/resolve.ts';
import { resolveResume } from '../config/resume.ts';

/** Runs `bench`; returns the exit code. */
export async function runBenchCommand(args: ParsedArgs): Promise<number> {
  const { config, previous } = args.values.resume !== undefined ? await resolveResume(args) : { config: await resolveBenchConfig(args), previous: undefined };
  const ui = terminalUi(config.quiet, config);
  if (previous) ui.note(`resuming ${config.outDir}: ${previous.samples.length} runs already measured`);
  const { benchToFolder, printSummary } = await import('./bench-output.ts');
  const { renderJson } = await import('../report/json.ts');
  const outcome = await benchToFolder(config, ui, previous);
  if (outcome.exitCode !== 0 || !outcome.results) return outcome.exitCode;
  if (config.json) process.stdout.write(renderJson(outcome.results));
  if (!config.quiet) printSummary(outcome.results, config.outDir);
  return outcome.results.summary.cases.some((c) => c.modes.some((m) => m.state === 'measured')) ? 0 : 1;
}
