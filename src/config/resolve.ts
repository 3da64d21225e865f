// Flags + defaults -> ResolvedConfig: the one normaliser that calls each option's validator.
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { UserError } from '../cli/errors.ts';
import type { ParsedArgs } from '../cli/args.ts';
import { modeOrder, parseCacheModes, type CacheMode } from '../run/cache-modes.ts';
import { validateQemuImg, type QemuImgBuild } from '../run/qemu-img.ts';
import { validateOutDir } from '../report/write.ts';
import { checkFreeSpace, validateTargetDir } from '../run/target.ts';
import { validateImage } from '../image/source.ts';
import { imageCacheDir } from '../image/default.ts';
import type { QemuImgInfo } from '../run/qemu-img.ts';
export type { QemuImgBuild } from '../run/qemu-img.ts';
import { DEFAULTS } from './defaults.ts';
import { listValues, parseCount, parseDuration, parseSize } from './values.ts';

/** The source image: a user's file (already validated) or the built-in one. */
export type ImageChoice =
  | { kind: 'file'; path: string; format: string; info: QemuImgInfo }
  | { kind: 'default'; virtualSize: number; dataSize: number; clusterSize: number; seed: number; cacheDir: string };

/** Everything a bench run needs, validated; recorded in results.json (minus the image info). */
export interface ResolvedConfig {
  image: ImageChoice;
  modes: CacheMode[];
  runs: number;
  warmup: number;
  baseline: CacheMode;
  seed: number;
  timeoutSeconds: number | null;
  emulateFlushLatencyMs: number | null;
  flushAudit: boolean;
  flushProbe: boolean;
  dropCaches: boolean;
  verify: boolean;
  onFailure: 'continue' | 'stop';
  qemuImgs: QemuImgBuild[];
  targetDirs: string[];
  outputFormats: string[];
  srcCaches: (string | null)[];
  outDir: string;
  json: boolean;
  quiet: boolean;
}

const OUTPUT_FORMATS = ['raw', 'qcow2'];

/** Validates flags in order (cheap checks first) and fills defaults; throws UserError on the first problem. */
export async function resolveBenchConfig(args: ParsedArgs, now = new Date(), cwd = process.cwd()): Promise<ResolvedConfig> {
  const v = args.values;
  const str = (name: string) => (typeof v[name] === 'string' ? (v[name] as string) : undefined);
  const list = (name: string) => listValues(v[name] as string[] | undefined);

  const modes = (str('modes') ? parseCacheModes(str('modes') as string, '--modes') : ([...DEFAULTS.modes] as CacheMode[])).sort(modeOrder);
  const baseline = str('baseline') ? parseCacheModes(str('baseline') as string, '--baseline')[0] as CacheMode : (DEFAULTS.baseline as CacheMode);
  if (!modes.includes(baseline)) throw new UserError(`--baseline ${baseline} is not among --modes (${modes.join(',')}); add it to --modes or choose another baseline`);
  const runs = str('runs') !== undefined ? parseCount(str('runs') as string, '--runs', 1) : DEFAULTS.runs;
  const warmup = str('warmup') !== undefined ? parseCount(str('warmup') as string, '--warmup', 0) : DEFAULTS.warmup;
  const seed = str('seed') !== undefined ? parseCount(str('seed') as string, '--seed', 0) : Math.floor(Math.random() * 2 ** 31);
  const timeoutSeconds = str('timeout') !== undefined ? parseDuration(str('timeout') as string, '--timeout') : null;
  if (timeoutSeconds !== null && timeoutSeconds <= 0) throw new UserError('--timeout must be longer than 0');
  const emulate = str('emulate-flush-latency');
  const emulateFlushLatencyMs = emulate !== undefined ? roundMs(parseDuration(emulate, '--emulate-flush-latency') * 1000) : null;
  if (emulateFlushLatencyMs !== null && emulateFlushLatencyMs > 10_000) throw new UserError('--emulate-flush-latency must be at most 10s');
  const onFailure = str('on-failure') ?? DEFAULTS.onFailure;
  if (onFailure !== 'continue' && onFailure !== 'stop') throw new UserError(`--on-failure must be continue or stop, got '${onFailure}'`);
  const outputFormats = list('output-format').length ? unique(list('output-format')) : [DEFAULTS.outputFormat];
  for (const f of outputFormats) if (!OUTPUT_FORMATS.includes(f)) throw new UserError(`unknown --output-format '${f}'; use raw or qcow2`);
  const srcCaches = list('src-cache').length ? unique(list('src-cache')).map((m) => parseCacheModes(m, '--src-cache')[0] as string) : [null];

  const outDir = resolve(cwd, str('out') ?? join(DEFAULTS.resultsRoot, `${stamp(now)}-${hostname()}`));
  validateOutDir(outDir, true);

  const targetList = list('target-dir');
  const targetDirs = targetList.length ? unique(targetList.map((d) => resolve(cwd, d))) : [resolve(cwd, DEFAULTS.resultsRoot)];
  if (targetList.length) for (const dir of targetDirs) validateTargetDir(dir);

  const qemuImgs: QemuImgBuild[] = [];
  for (const path of list('qemu-img').length ? unique(list('qemu-img')) : [DEFAULTS.qemuImg]) qemuImgs.push(await validateQemuImg(path));

  const image = await resolveImage(str, qemuImgs[0] as QemuImgBuild, cwd);
  const virtualSize = image.kind === 'file' ? image.info.virtualSize : image.virtualSize;
  for (const dir of targetDirs) checkFreeSpace(dir, virtualSize, `converting an image of ${virtualSize} bytes virtual size`);
  return {
    image, modes, runs, warmup, baseline, seed, timeoutSeconds, emulateFlushLatencyMs,
    flushAudit: !v['no-flush-audit'], flushProbe: !v['no-flush-probe'], dropCaches: !v['no-drop-caches'], verify: v.verify === true,
    onFailure, qemuImgs, targetDirs, outputFormats, srcCaches, outDir,
    json: v.json === true, quiet: v.quiet === true || v.json === true,
  };
}

async function resolveImage(str: (n: string) => string | undefined, qemuImg: QemuImgBuild, cwd: string): Promise<ImageChoice> {
  const path = str('image');
  if (path !== undefined) {
    if (str('image-size') || str('image-data')) throw new UserError('--image-size and --image-data shape the built-in image; drop them when you pass --image');
    const absolute = resolve(cwd, path);
    const info = await validateImage(qemuImg.path, absolute, str('image-format'));
    return { kind: 'file', path: absolute, format: info.format, info };
  }
  const virtualSize = str('image-size') ? parseSize(str('image-size') as string, '--image-size', 16 * 1024 ** 2) : DEFAULTS.image.virtualSize;
  const dataSize = str('image-data') ? parseSize(str('image-data') as string, '--image-data', 1024 ** 2) : Math.min(DEFAULTS.image.dataSize, Math.floor(virtualSize / 2));
  if (dataSize > virtualSize * 0.9) throw new UserError(`--image-data must be at most 90% of --image-size (${virtualSize} bytes)`);
  return { kind: 'default', virtualSize, dataSize, clusterSize: DEFAULTS.image.clusterSize, seed: DEFAULTS.image.seed, cacheDir: imageCacheDir() };
}

/** UTC time stamp for folder names, e.g. 20261126T153605Z. */
export function stamp(date: Date): string {
  return date.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
}

function unique<T>(items: T[]): T[] {
  return [...new Set(items)];
}

function roundMs(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
