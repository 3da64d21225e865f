// The sweep command: resolve bench options for writethrough vs writeback, run each latency as a bench point, write the sweep report.
import { join, relative } from 'node:path';
import type { ParsedArgs } from '../cli/args.ts';
import { UserError } from '../cli/errors.ts';
import { terminalUi } from '../cli/progress.ts';
import { withSignals } from '../cli/signals.ts';
import { DEFAULTS } from '../config/defaults.ts';
import { resolveBenchConfig } from '../config/resolve.ts';
import { parseDuration, sizeFlag } from '../config/values.ts';
import { renderSweep, renderSweepJson, SWEEP_FILES } from '../report/sweep.ts';
import { OutputManager } from '../report/write.ts';
import { runSweep } from '../run/sweep.ts';
import { TOOL } from '../tool.ts';
import { benchToFolder } from './bench-output.ts';

/** Parses --latencies: a comma-separated list of ms values (0 = native). */
export function parseLatencies(value: string | undefined): number[] {
  if (value === undefined) return [...DEFAULTS.sweep.latenciesMs];
  const list = value.split(',').map((s) => s.trim()).filter(Boolean);
  if (list.length === 0) throw new UserError('--latencies is empty; give milliseconds like 0,0.5,1,2,5,10');
  return [...new Set(list.map((s) => {
    const ms = Number(s.replace(/ms$/, ''));
    if (!Number.isFinite(ms) || ms < 0 || ms > 10_000) throw new UserError(`--latencies: '${s}' is not a latency in ms from 0 to 10000; give values like 0,0.5,1,2`);
    return ms;
  }))];
}

/** Runs `sweep`; returns the exit code. */
export async function runSweepCommand(args: ParsedArgs): Promise<number> {
  const v = args.values;
  if (v.resume !== undefined) throw new UserError('sweep cannot --resume; run it again (each finished point keeps its own results folder)');
  if (v.modes !== undefined) throw new UserError('sweep always compares writethrough and writeback; drop --modes');
  if (v['emulate-flush-latency'] !== undefined) throw new UserError('sweep sets the emulated latency itself; use --latencies instead of --emulate-flush-latency');
  const latencies = parseLatencies(v.latencies as string | undefined);
  const budgetSeconds = v.budget !== undefined ? parseDuration(v.budget as string, '--budget') : DEFAULTS.sweep.budgetSeconds;
  const values = { ...v, modes: 'writethrough,writeback', baseline: 'writethrough' } as ParsedArgs['values'];
  if (v.image === undefined) {
    values['image-size'] ??= sizeFlag(DEFAULTS.sweep.virtualSize);
    values['image-data'] ??= sizeFlag(DEFAULTS.sweep.dataSize);
  }
  const config = await resolveBenchConfig({ ...args, values });
  const ui = terminalUi(config.quiet, config);
  const output = new OutputManager(config.outDir, SWEEP_FILES);
  output.create();
  let latest: Parameters<typeof renderSweep>[0] | null = null;
  const save = (s: NonNullable<typeof latest>) => {
    latest = s;
    output.write([{ name: 'sweep.json', data: renderSweepJson(s) }]);
  };
  return withSignals(async (scope) => {
    const sweep = await runSweep(config, latencies, budgetSeconds, (pointConfig) => benchToFolder(pointConfig, ui), ui, scope.signal, save, TOOL);
    output.write(await renderSweep(sweep));
    const where = relative(process.cwd(), config.outDir) || '.';
    if (!config.quiet) process.stderr.write(`sweep: ${join(where, 'sweep.md')} and ${join(where, 'sweep.png')}\n`);
    if (scope.received()) return scope.exitCode();
    return sweep.points.some((p) => p.state === 'measured') ? 0 : 1;
  }, (name) => ui.note(`\n${name}: stopping the sweep after saving the finished points...`));
}
