// --resume DIR: the recorded options of an interrupted run, resolved again by the same normaliser as new ones.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from '../model/errors.ts';
import { configFlagValues, FLAGS } from '../model/flags.ts';
import type { Invocation } from '../model/invocation.ts';
import { loadResults, type Results } from '../model/results.ts';
import type { EnvironmentPort } from './environment-port.ts';
import { type ResolvedConfig, resolveBenchConfig } from './resolve.ts';

const ALLOWED_WITH_RESUME = new Set(['resume', ...FLAGS.filter((f) => f.withResume).map((f) => f.name)]);

/** Loads DIR/results.json of an interrupted run and rebuilds its config; refuses a finished run or extra options. */
export async function resolveResume(
  args: Invocation,
  env: EnvironmentPort,
): Promise<{ config: ResolvedConfig; previous: Results }> {
  const extra = Object.keys(args.values).filter((k) => args.values[k] !== undefined && !ALLOWED_WITH_RESUME.has(k));
  if (extra.length) throw new UsageError(`--resume continues with the recorded options; drop --${extra[0]}`);
  const dir = resolve(String(args.values.resume));
  const file = join(dir, 'results.json');
  if (!existsSync(file))
    throw new UsageError(`--resume ${dir}: no results.json there; pass the folder of an interrupted run`);
  const previous = loadResults(file);
  if (previous.complete) throw new UsageError(`--resume ${dir}: that run is complete; start a new one instead`);
  const values = { ...configFlagValues(previous.config), json: args.values.json, quiet: args.values.quiet };
  const config = await resolveBenchConfig(values, { env, resumeDir: dir });
  return { config, previous };
}
