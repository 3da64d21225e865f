// --resume DIR: the recorded options of an interrupted run, resolved again by the same normaliser as new ones.
import { UsageError } from '../model/errors.ts';
import { configFlagValues, FLAGS, type FlagName } from '../model/flags.ts';
import type { Invocation } from '../model/invocation.ts';
import type { Results } from '../model/results.ts';
import type { EnvironmentPort } from './environment-port.ts';
import { type ResolvedConfig, resolveBenchConfig } from './resolve.ts';

const ALLOWED_WITH_RESUME = new Set(['resume', ...FLAGS.filter((f) => f.withResume).map((f) => f.name)]);

/** Refuses options beside --resume that would change what the interrupted run measures. */
export function checkResumeOptions(args: Invocation): void {
  const given = Object.keys(args.values) as FlagName[];
  const extra = given.filter((k) => args.values[k] !== undefined && !ALLOWED_WITH_RESUME.has(k));
  if (extra.length) throw new UsageError(`--resume continues with the recorded options; drop --${extra[0]}`);
}

/** The config of the interrupted run `previous` in `dir` (read by the caller); refuses a finished run. */
export async function resolveResume(
  args: Invocation,
  env: EnvironmentPort,
  dir: string,
  previous: Results,
): Promise<ResolvedConfig> {
  if (previous.complete) throw new UsageError(`--resume ${dir}: that run is complete; start a new one instead`);
  const values = { ...configFlagValues(previous.config), json: args.values.json, quiet: args.values.quiet };
  return resolveBenchConfig(values, { env, resumeDir: dir });
}
