// --resume DIR: the config of an interrupted run, revalidated, so it can continue to its planned count.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../cli/errors.ts';
import type { ParsedArgs } from '../cli/args.ts';
import { validateImage } from '../image/source.ts';
import { loadResults, type Results } from '../report/schema.ts';
import { validateTargetDir } from '../run/target.ts';
import type { CacheMode } from '../run/cache-modes.ts';
import { validateQemuImg } from '../run/qemu-img.ts';
import type { ImageChoice, ResolvedConfig } from './resolve.ts';

const ALLOWED_WITH_RESUME = new Set(['resume', 'quiet', 'json', 'help']);

/** Loads DIR/results.json of an interrupted run and rebuilds its config; refuses a finished run or extra options. */
export async function resolveResume(args: ParsedArgs): Promise<{ config: ResolvedConfig; previous: Results }> {
  const extra = Object.keys(args.values).filter((k) => args.values[k] !== undefined && !ALLOWED_WITH_RESUME.has(k));
  if (extra.length) throw new UserError(`--resume continues with the recorded options; drop --${extra[0]}`);
  const dir = resolve(String(args.values.resume));
  const file = join(dir, 'results.json');
  if (!existsSync(file)) throw new UserError(`--resume ${dir}: no results.json there; pass the folder of an interrupted run`);
  const previous = loadResults(file);
  if (previous.complete) throw new UserError(`--resume ${dir}: that run is complete; start a new one instead`);
  const c = previous.config as Record<string, unknown> & Results['config'];
  const qemuImgs = [];
  for (const q of c.qemuImgs as { path: string }[]) qemuImgs.push(await validateQemuImg(q.path));
  for (const dir2 of c.targetDirs as string[]) validateTargetDir(dir2);
  const recorded = c.image as { kind: string; path?: string; format?: string } & Record<string, number | string>;
  let image: ImageChoice;
  if (recorded.kind === 'file') {
    const info = await validateImage((qemuImgs[0] as { path: string }).path, String(recorded.path), String(recorded.format));
    image = { kind: 'file', path: String(recorded.path), format: info.format, info };
  } else {
    image = { kind: 'default', virtualSize: Number(recorded.virtualSize), dataSize: Number(recorded.dataSize), clusterSize: Number(recorded.clusterSize), seed: Number(recorded.seed), cacheDir: String(recorded.cacheDir) };
  }
  const config: ResolvedConfig = {
    image,
    modes: c.modes as CacheMode[],
    runs: c.runs,
    warmup: c.warmup,
    baseline: c.baseline as CacheMode,
    seed: c.seed,
    timeoutSeconds: (c.timeoutSeconds as number | null) ?? null,
    emulateFlushLatencyMs: c.emulateFlushLatencyMs,
    flushAudit: Boolean(c.flushAudit),
    flushProbe: Boolean(c.flushProbe),
    dropCaches: c.dropCaches !== false,
    verify: Boolean(c.verify),
    onFailure: c.onFailure === 'stop' ? 'stop' : 'continue',
    qemuImgs,
    targetDirs: c.targetDirs as string[],
    outputFormats: c.outputFormats as string[],
    srcCaches: c.srcCaches as (string | null)[],
    outDir: dir,
    json: args.values.json === true,
    quiet: args.values.quiet === true || args.values.json === true,
  };
  return { config, previous };
}
