// The sweep command: bench options for writethrough vs writeback, each latency a bench point, then the sweep report.
import { join, relative } from 'node:path';
import { resolveBenchConfig } from '../config/resolve.ts';
import { type Ending, endingOfSignal, UsageError } from '../model/errors.ts';
import { type FlagName, flagDefault, flagSpec } from '../model/flags.ts';
import type { Invocation, OptionValues } from '../model/invocation.ts';
import type { SweepResults } from '../model/results.ts';
import { parseDuration } from '../model/units.ts';
import { OutputManager } from '../report/file-writer.ts';
import { renderSweep, renderSweepJson, SWEEP_FILES } from '../report/sweep-report.ts';
import { benchToFolder } from './bench-folder.ts';
import { MACHINE } from './environment.ts';
import { runSweep } from './sweep-run.ts';
import type { Terminal } from './terminal-port.ts';
import { TOOL } from './tool-version.ts';

/** The sweep's default of a flag, from the flag table. */
function sweepDefault(name: FlagName): string {
  return flagDefault(flagSpec(name), 'sweep') as string;
}

/** Parses --latencies: a comma-separated list of ms values (0 = native). */
export function parseLatencies(value: string | undefined): number[] {
  const list = (value ?? sweepDefault('latencies'))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0) throw new UsageError('--latencies is empty; give milliseconds like 0,0.5,1,2,5,10');
  const parse = (s: string) => {
    const ms = Number(s.replace(/ms$/, ''));
    if (!Number.isFinite(ms) || ms < 0 || ms > 10_000) {
      throw new UsageError(`--latencies: '${s}' is not a latency in ms from 0 to 10000; give values like 0,0.5,1,2`);
    }
    return ms;
  };
  return [...new Set(list.map(parse))];
}

/** The bench options of every point: writethrough vs writeback on the sweep's smaller image unless told otherwise. */
function pointValues(v: OptionValues): OptionValues {
  const runs = typeof v.runs === 'string' ? v.runs : sweepDefault('runs');
  const values: OptionValues = {
    ...v,
    modes: 'writethrough,writeback',
    baseline: 'writethrough',
    runs,
    budget: undefined,
  };
  if (v.image === undefined) {
    values['image-size'] ??= sweepDefault('image-size');
    values['image-data'] ??= sweepDefault('image-data');
  }
  return values;
}

/** Runs `sweep`; returns the exit code. */
export async function runSweepCommand(args: Invocation, terminal: Terminal): Promise<Ending> {
  const v = args.values;
  const values = pointValues(v);
  const latencies = parseLatencies(v.latencies as string | undefined);
  const budget = v.budget as string | undefined;
  const budgetSeconds = parseDuration(budget ?? sweepDefault('budget'), '--budget');
  const config = await resolveBenchConfig(values, { env: MACHINE });
  const ui = terminal.progress(config.quiet, config);
  const output = new OutputManager(config.outDir, SWEEP_FILES);
  output.create();
  const save = (s: SweepResults) => output.write([{ name: 'sweep.json', data: renderSweepJson(s) }]);
  const runPoint = (pointConfig: typeof config) => benchToFolder(pointConfig, ui, terminal);
  const onSignal = (name: NodeJS.Signals) =>
    ui.note(`\n${name}: stopping the sweep after saving the finished points...`);
  return terminal.withSignals(async (scope) => {
    const context = { runPoint, ui, signal: scope.signal, save, tool: TOOL };
    const sweep = await runSweep(config, latencies, budgetSeconds, context);
    output.write(await renderSweep(sweep));
    const where = relative(process.cwd(), config.outDir) || '.';
    if (!config.quiet) process.stderr.write(`sweep: ${join(where, 'sweep.md')} and ${join(where, 'sweep.png')}\n`);
    if (scope.received()) return endingOfSignal(scope.received());
    return sweep.points.some((p) => p.state === 'measured') ? 'ok' : 'nothing-measured';
  }, onSignal);
}
