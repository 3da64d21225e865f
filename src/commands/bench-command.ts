// The bench command: resolve options, run the plan with signal handling, export results and reports.

import { resolveBenchConfig } from '../config/resolve.ts';
import { resolveResume } from '../config/resume.ts';
import type { Ending } from '../model/errors.ts';
import type { Invocation } from '../model/invocation.ts';
import { MACHINE } from './environment.ts';
import type { Terminal } from './terminal-port.ts';

/** Runs `bench`; returns how it ended. */
export async function runBenchCommand(args: Invocation, terminal: Terminal): Promise<Ending> {
  const resumed = args.values.resume !== undefined ? await resolveResume(args, MACHINE) : null;
  const config = resumed?.config ?? (await resolveBenchConfig(args.values, { env: MACHINE }));
  const previous = resumed?.previous;
  const ui = terminal.progress(config.quiet, config);
  if (previous) ui.note(`resuming ${config.outDir}: ${previous.samples.length} runs already measured`);
  const { benchToFolder } = await import('./bench-folder.ts');
  const { terminalSummary } = await import('./bench-summary.ts');
  const { renderJson } = await import('../report/json.ts');
  const outcome = await benchToFolder(config, ui, terminal, previous);
  if (outcome.ending !== 'ok' || !outcome.results) return outcome.ending;
  if (config.json) process.stdout.write(renderJson(outcome.results));
  if (!config.quiet) process.stderr.write(terminalSummary(outcome.results, config.outDir));
  return outcome.results.summary.cases.some((c) => c.modes.some((m) => m.state === 'measured'))
    ? 'ok'
    : 'nothing-measured';
}
