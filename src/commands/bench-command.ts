// The bench command: resolve options, run the plan with signal handling, export results and reports.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { resolveBenchConfig } from '../config/resolve.ts';
import { checkResumeOptions, resolveResume } from '../config/resume.ts';
import { type Ending, UsageError } from '../model/errors.ts';
import type { Invocation } from '../model/invocation.ts';
import type { Results } from '../model/results.ts';
import { MACHINE } from './environment.ts';
import { readResults } from './results-file.ts';
import type { Terminal } from './terminal-port.ts';

/** --resume DIR: the interrupted run's results and the config that continues it. */
async function resumed(args: Invocation) {
  checkResumeOptions(args);
  const dir = resolve(String(args.values.resume));
  const file = join(dir, 'results.json');
  if (!existsSync(file)) {
    throw new UsageError(`--resume ${dir}: no results.json there; pass the folder of an interrupted run`);
  }
  const previous: Results = readResults(file);
  return { previous, config: await resolveResume(args, MACHINE, dir, previous) };
}

/** Runs `bench`; returns how it ended. */
export async function runBenchCommand(args: Invocation, terminal: Terminal): Promise<Ending> {
  const resume = args.values.resume !== undefined ? await resumed(args) : null;
  const config = resume?.config ?? (await resolveBenchConfig(args.values, { env: MACHINE }));
  const previous = resume?.previous;
  const ui = terminal.progress(config.quiet, config);
  if (previous) ui.note(`resuming ${config.outDir}: ${previous.samples.length} runs already measured`);
  const { benchToFolder } = await import('./bench-folder.ts');
  const { terminalSummary } = await import('./bench-summary.ts');
  const { renderJson } = await import('../report/json.ts');
  const outcome = await benchToFolder(config, ui, terminal, previous);
  if (outcome.ending !== 'ok' || !outcome.results) return outcome.ending;
  if (config.json) process.stdout.write(renderJson(outcome.results));
  // The summary goes to stderr: its width is the terminal's there (120 when it is not a terminal).
  if (!config.quiet) process.stderr.write(terminalSummary(outcome.results, outcome.outDir, process.stderr.columns));
  return outcome.results.summary.cases.some((c) => c.modes.some((m) => m.state === 'measured'))
    ? 'ok'
    : 'nothing-measured';
}
