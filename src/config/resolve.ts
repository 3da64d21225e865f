// Flags + defaults -> ResolvedConfig: the one normaliser that calls each option's validator. Checks of the machine
// (qemu-img, the image, target dirs, free space, the results folder) come in through the EnvironmentPort.
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { type CacheMode, modeOrder, parseCacheModes } from '../model/cache-modes.ts';
import { UsageError } from '../model/errors.ts';
import { AS_PROJECTS_REPLACES, CONFIG_FLAGS, type FlagName, flagDefault, flagSpec } from '../model/flags.ts';
import { FLUSH_PRESETS, flushPreset } from '../model/flush-presets.ts';
import type { OptionValues } from '../model/invocation.ts';
import { distinct } from '../model/lists.ts';
import { PROJECT_IDS, type ProjectId, STATED_STORAGE, type StatedStorage } from '../model/project-rules.ts';
import type { QemuImgBuild, QemuImgInfo } from '../model/qemu-img-command.ts';
import type { Adaptive, BuiltinImageParams, RecordedConfig } from '../model/results.ts';
import { parseDuration, parseSize } from '../model/units.ts';
import { DEFAULTS } from './defaults.ts';
import type { EnvironmentPort } from './environment-port.ts';
import { cacheRoot, imageCacheDir } from './paths.ts';
import { listValues, parseCount } from './values.ts';

/** The source image: a user's file (already validated) or the built-in one. */
export type ImageChoice =
  | { kind: 'file'; path: string; format: string; info: QemuImgInfo }
  | ({ kind: 'default'; cacheDir: string } & BuiltinImageParams);

/**
 * Everything a bench run needs, validated: the recorded config of results.json (RecordedConfigSchema, where each
 * field is declared and documented once), with the live forms of the fields a running bench holds richer (the
 * image's qemu-img info, typed modes, the qemu-img builds) and the one field only a live run has.
 */
export type ResolvedConfig = Omit<
  RecordedConfig,
  'image' | 'modes' | 'baseline' | 'qemuImgs' | 'cpuTimeResolutionSeconds'
> & {
  image: ImageChoice;
  modes: CacheMode[];
  baseline: CacheMode | null;
  qemuImgs: QemuImgBuild[];
  /** True for the default results folder (stamped to the second): taken, it gets a suffix instead of failing. */
  outDirUnique: boolean;
};

/** Where and when the options are resolved; `resumeDir` continues a run there instead of a new folder. */
export interface ResolveContext {
  env: EnvironmentPort;
  now?: Date;
  cwd?: string;
  resumeDir?: string;
}

const OUTPUT_FORMATS = ['raw', 'qcow2'];

/** Reads flag values by their declared names; `orDefault` falls back to the flag table's default text. */
function reader(values: OptionValues) {
  const str = (name: FlagName) => (typeof values[name] === 'string' ? (values[name] as string) : undefined);
  return {
    str,
    orDefault: (name: FlagName) => str(name) ?? (flagDefault(flagSpec(name)) as string),
    list: (name: FlagName) => {
      const given = values[name] as string[] | undefined;
      const list = listValues(given, flagSpec(name).split !== false);
      if (given !== undefined && list.length === 0) throw new UsageError(`--${name} is empty; give a value or drop it`);
      return list;
    },
    flag: (name: FlagName) => values[name] === true,
    /** True when the flag was given at all (any value). */
    given: (name: FlagName) => values[name] !== undefined && values[name] !== false,
  };
}
type Reader = ReturnType<typeof reader>;

/** Validates flags in order (cheap checks first) and fills defaults; throws UsageError on the first problem. */
export async function resolveBenchConfig(values: OptionValues, context: ResolveContext): Promise<ResolvedConfig> {
  const read = reader(values);
  const cwd = context.cwd ?? process.cwd();
  const plan = resolvePlan(read);
  const matrix = resolveMatrix(read, cwd);
  const outDir = context.resumeDir ?? resolve(cwd, read.str('out') ?? defaultOutDir(context.now ?? new Date()));
  if (!context.resumeDir) context.env.outDir(outDir, true);
  if (read.list('target-dir').length) for (const dir of matrix.targetDirs) context.env.targetDir(dir);
  for (const dir of matrix.targetLoops) context.env.targetDir(dir);
  if (matrix.targetLoops.length) context.env.loopDevices();
  const memoryLimitBytes = resolveMemoryLimit(read, context.env);
  context.env.cacheDir(cacheRoot());
  const qemuImgs: QemuImgBuild[] = [];
  for (const path of matrix.qemuImgPaths) qemuImgs.push(await context.env.qemuImg(path));
  const image = await resolveImage(read, qemuImgs[0] as QemuImgBuild, cwd, context.env);
  const virtualSize = image.kind === 'file' ? image.info.virtualSize : image.virtualSize;
  if (plan.spaceCheck) {
    const output = await outputNeeds(image, qemuImgs[0] as QemuImgBuild, context.env);
    const { needed, what } = read.flag('durability-check') ? withPowerCutCheck(output) : output;
    for (const dir of [...matrix.targetDirs, ...matrix.targetLoops]) context.env.freeSpace(dir, needed, what);
  }
  const confirmed = read.list('i-know-this-overwrites');
  for (const device of matrix.targetDevices) context.env.targetDevice(device, confirmed, virtualSize);
  const { qemuImgPaths: _paths, ...dims } = matrix;
  const quiet = read.flag('quiet') || read.flag('json');
  const outDirUnique = !context.resumeDir && read.str('out') === undefined;
  const json = read.flag('json');
  // Under --as-projects each case runs one project command: no mode is measured against a baseline.
  const baseline = dims.asProjects ? null : plan.baseline;
  return { image, ...plan, baseline, ...dims, memoryLimitBytes, qemuImgs, outDir, outDirUnique, json, quiet };
}

/**
 * What one output of the image can take on a target (the harness keeps one output at a time): the data and metadata
 * qemu-img measures for a --image (its virtual size when it cannot measure), the built-in image's data plus its qcow2
 * metadata (8 bytes of L2 table per 64 KiB cluster) and 5% slack.
 */
async function outputNeeds(image: ImageChoice, qemuImg: QemuImgBuild, env: EnvironmentPort) {
  if (image.kind === 'default') {
    const needed = Math.ceil(image.dataSize * 1.05 + image.virtualSize / 8192 + 1024 ** 2);
    return { needed, what: 'the output of the built-in image (its data and metadata)' };
  }
  const measured = await env.measure(qemuImg.path, image.path, image.format);
  if (measured === null)
    return { needed: image.info.virtualSize, what: 'the output (its virtual size: not measurable)' };
  return { needed: measured, what: 'the output (its data and metadata, qemu-img measure)' };
}

/**
 * --durability-check holds three copies of the output on the target at once (after the timed runs, whose output is
 * gone by then): the source's raw reference, the power-cut file system's volatile copy and its flushed copy.
 */
function withPowerCutCheck(output: { needed: number; what: string }) {
  return {
    needed: output.needed * 3,
    what: `${output.what} three times for --durability-check (its raw reference, volatile and flushed copies)`,
  };
}

/** --memory-limit SIZE: checked against the host's memory cgroups; at least 4 MiB (qemu-img itself needs some). */
function resolveMemoryLimit(read: Reader, env: EnvironmentPort): number | null {
  const text = read.str('memory-limit');
  if (text === undefined) return null;
  const bytes = parseSize(text, '--memory-limit', 4 * 1024 ** 2);
  env.memoryCgroups();
  return bytes;
}

/** The baseline: --baseline (which must be measured), else writethrough when measured, else none. */
function resolveBaseline(read: Reader, modes: CacheMode[]): CacheMode | null {
  const text = read.str('baseline');
  if (!text) return modes.includes('writethrough') ? 'writethrough' : null;
  const baseline = parseCacheModes(text, '--baseline')[0] as CacheMode;
  if (!modes.includes(baseline)) {
    const hint = 'add it to --modes or choose another baseline';
    throw new UsageError(`--baseline ${baseline} is not among --modes (${modes.join(',')}); ${hint}`);
  }
  return baseline;
}

/** Parses --precision: a percentage like 10% or 10 (half-width of each speedup's interval). */
export function parsePrecision(text: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(text);
  const percent = Number(match?.[1]);
  if (!match || !(percent > 0 && percent < 100)) {
    throw new UsageError(`--precision must be a percentage between 0 and 100 like 10%, got '${text}'`);
  }
  return percent / 100;
}

/** --runs N (exactly N) or sampling to --precision within --min-runs, --max-runs and --budget. */
function resolveRuns(read: Reader): { runs: number; adaptive: Adaptive | null } {
  const count = (name: FlagName, min: number) => {
    const text = read.str(name);
    return text === undefined ? undefined : parseCount(text, `--${name}`, min);
  };
  const runs = count('runs', 1);
  const adaptiveFlags = CONFIG_FLAGS.adaptive.flags
    .map((f) => f.name as FlagName)
    .filter((f) => read.str(f) !== undefined);
  if (runs !== undefined) {
    if (adaptiveFlags.length) throw new UsageError(`--runs fixes the run count; drop --${adaptiveFlags[0]} or --runs`);
    return { runs, adaptive: null };
  }
  const minRuns = parseCount(read.orDefault('min-runs'), '--min-runs', 2);
  const adaptive: Adaptive = {
    precision: parsePrecision(read.orDefault('precision')),
    minRuns,
    maxRuns: count('max-runs', 2) ?? Math.max(parseCount(read.orDefault('max-runs'), '--max-runs', 2), minRuns),
    budgetSeconds: parseDuration(read.orDefault('budget'), '--budget'),
  };
  if (adaptive.minRuns > adaptive.maxRuns) {
    throw new UsageError(
      `--min-runs ${adaptive.minRuns} is more than --max-runs ${adaptive.maxRuns}; raise --max-runs`,
    );
  }
  return { runs: adaptive.maxRuns, adaptive };
}

/** Modes, runs, order and the per-run options. */
function resolvePlan(read: Reader) {
  const modes = parseCacheModes(read.orDefault('modes'), '--modes').sort(modeOrder);
  const baseline = resolveBaseline(read, modes);
  const timeout = read.str('timeout');
  const timeoutSeconds = timeout !== undefined ? parseDuration(timeout, '--timeout') : null;
  if (timeoutSeconds !== null && timeoutSeconds <= 0) throw new UsageError('--timeout must be longer than 0');
  const onFailure = read.orDefault('on-failure');
  if (onFailure !== 'continue' && onFailure !== 'stop') {
    throw new UsageError(`--on-failure must be continue or stop, got '${onFailure}'`);
  }
  return {
    modes,
    baseline,
    ...resolveRuns(read),
    warmup: parseCount(read.orDefault('warmup'), '--warmup', 0),
    seed: parseCount(read.str('seed') ?? String(Math.floor(Math.random() * 2 ** 31)), '--seed', 0),
    timeoutSeconds,
    ...resolveEmulation(read.str('emulate-flush-latency')),
    onFailure: onFailure as 'continue' | 'stop',
    flushAudit: read.flag('flush-audit'),
    flushMeter: !read.flag('no-flush-meter'),
    flushProbe: !read.flag('no-flush-probe'),
    durabilityCheck: read.flag('durability-check'),
    dropCaches: !read.flag('no-drop-caches'),
    spaceCheck: !read.flag('skip-space-check'),
    verify: read.flag('verify'),
  };
}

/** --emulate-flush-latency: a preset's name (plp-nvme, consumer-nvme, cloud-block, nova-2019, hdd) or a duration. */
function resolveEmulation(text: string | undefined): {
  emulateFlushLatencyMs: number | null;
  emulatePreset: string | null;
} {
  if (text === undefined) return { emulateFlushLatencyMs: null, emulatePreset: null };
  const preset = flushPreset(text.trim());
  if (preset) return { emulateFlushLatencyMs: preset.ms, emulatePreset: preset.name };
  if (/^[a-z-]+$/i.test(text.trim())) {
    const names = FLUSH_PRESETS.map((p) => p.name).join(', ');
    throw new UsageError(
      `unknown --emulate-flush-latency preset '${text}'; use one of ${names}, or a duration like 2ms`,
    );
  }
  const ms = Math.round(parseDuration(text, '--emulate-flush-latency') * 1e6) / 1000;
  if (ms > 10_000) throw new UsageError('--emulate-flush-latency must be at most 10s');
  return { emulateFlushLatencyMs: ms, emulatePreset: null };
}

/** The matrix dimensions: qemu-img builds, target dirs, output formats, source cache modes. */
function resolveMatrix(read: Reader, cwd: string) {
  const formats = distinct(read.list('output-format'));
  for (const f of formats)
    if (!OUTPUT_FORMATS.includes(f)) throw new UsageError(`unknown --output-format '${f}'; use raw or qcow2`);
  const srcCaches = distinct(read.list('src-cache')).map((m) => parseCacheModes(m, '--src-cache')[0] as string);
  const targets = distinct(read.list('target-dir').map((d) => resolve(cwd, d)));
  const devices = distinct(read.list('target-device').map((d) => resolve(cwd, d)));
  const loops = distinct(read.list('target-loop').map((d) => resolve(cwd, d)));
  checkBlockTargets(read, devices, loops, formats);
  const qemuImgs = distinct(read.list('qemu-img'));
  const defaultTarget = resolve(cwd, DEFAULTS.resultsRoot);
  const targetDirs = targets.length || devices.length || loops.length ? targets : [defaultTarget];
  const coroutines = distinct(read.list('coroutines')).map((v) => parseCount(v, '--coroutines', 1));
  for (const m of coroutines) if (m > 16) throw new UsageError(`--coroutines ${m}: qemu-img takes 1 to 16`);
  const rateLimits = distinct(read.list('rate-limit'));
  for (const r of rateLimits) parseSize(r, '--rate-limit', 1);
  const order = [...(read.flag('no-out-of-order') ? [false] : []), ...(read.flag('out-of-order') ? [true] : [])];
  return {
    asProjects: resolveProjects(read),
    projectStorage: resolveProjectStorage(read),
    coroutines: coroutines.length ? coroutines : [null],
    outOfOrder: order.length ? order : [false],
    rateLimits: rateLimits.length ? rateLimits : [null],
    targetIsZero: read.flag('target-is-zero'),
    outputFormats: formats.length ? formats : [read.orDefault('output-format')],
    srcCaches: srcCaches.length ? srcCaches : [null],
    targetDirs,
    targetDirDefault: targetDirs.length === 1 && targetDirs[0] === defaultTarget && !devices.length && !loops.length,
    targetDevices: devices,
    targetLoops: loops,
    qemuImgPaths: qemuImgs.length ? qemuImgs : [read.orDefault('qemu-img')],
  };
}

/** --as-projects: "all" or project ids; refused beside the flags it replaces. */
function resolveProjects(read: Reader): ProjectId[] | null {
  const given = distinct(read.list('as-projects'));
  if (!given.length) return null;
  const clash = AS_PROJECTS_REPLACES.find((name) => read.given(name));
  if (clash) {
    throw new UsageError(`--as-projects runs each project's own command line; drop --${clash} (it sets it itself)`);
  }
  if (given.includes('all')) return [...PROJECT_IDS];
  for (const id of given) {
    if (!PROJECT_IDS.includes(id as ProjectId))
      throw new UsageError(`unknown project '${id}' in --as-projects; use all or ${PROJECT_IDS.join(', ')}`);
  }
  return PROJECT_IDS.filter((id) => given.includes(id));
}

/** --project-storage proxmox=zfspool,...: each item a project with storage facts and one of its values. */
function resolveProjectStorage(read: Reader): StatedStorage {
  const stated: Record<string, string> = {};
  for (const item of read.list('project-storage')) {
    const [project, value] = item.split('=', 2) as [string, string | undefined];
    const allowed = (STATED_STORAGE as Record<string, readonly string[]>)[project];
    if (!allowed) {
      const known = Object.keys(STATED_STORAGE).join(', ');
      throw new UsageError(`--project-storage: no storage facts for '${project}'; use ${known} (PROJECT=TYPE)`);
    }
    if (value === undefined || !allowed.includes(value))
      throw new UsageError(`--project-storage ${project}=${value ?? ''}: use one of ${allowed.join(', ')}`);
    if (stated[project] !== undefined && stated[project] !== value)
      throw new UsageError(`--project-storage states ${project} twice (${stated[project]}, ${value}); keep one`);
    stated[project] = value;
  }
  return stated as StatedStorage;
}

/** Block-device targets take raw output; a user's device is not known to read as zeros (no --target-is-zero). */
function checkBlockTargets(read: Reader, devices: string[], loops: string[], formats: string[]): void {
  if (!devices.length && !loops.length) return;
  const flag = devices.length ? '--target-device' : '--target-loop';
  const notRaw = formats.find((f) => f !== 'raw');
  if (notRaw) throw new UsageError(`${flag} takes raw output only; drop --output-format ${notRaw} or ${flag}`);
  if (devices.length && read.flag('target-is-zero')) {
    throw new UsageError(
      '--target-is-zero tells qemu-img the target reads as zeros, which a used --target-device need not; drop one',
    );
  }
}

async function resolveImage(
  read: Reader,
  qemuImg: QemuImgBuild,
  cwd: string,
  env: EnvironmentPort,
): Promise<ImageChoice> {
  const path = read.str('image');
  const sizeText = read.str('image-size');
  const dataText = read.str('image-data');
  if (path !== undefined) {
    if (sizeText || dataText) {
      throw new UsageError('--image-size and --image-data shape the built-in image; drop them when you pass --image');
    }
    const absolute = resolve(cwd, path);
    const info = await env.image(qemuImg.path, absolute, read.str('image-format'));
    return { kind: 'file', path: absolute, format: info.format, info };
  }
  const virtualSize = parseSize(read.orDefault('image-size'), '--image-size', 16 * 1024 ** 2);
  const dataSize = dataText
    ? parseSize(dataText, '--image-data', 1024 ** 2)
    : Math.min(parseSize(read.orDefault('image-data'), '--image-data'), Math.floor(virtualSize / 2));
  if (dataSize > virtualSize * 0.9) {
    throw new UsageError(`--image-data must be at most 90% of --image-size (${virtualSize} bytes)`);
  }
  const { clusterSize, seed } = DEFAULTS.image;
  return { kind: 'default', virtualSize, dataSize, clusterSize, seed, cacheDir: imageCacheDir() };
}

function defaultOutDir(now: Date): string {
  return join(DEFAULTS.resultsRoot, `${stamp(now)}-${hostname()}`);
}

/** UTC time stamp for folder names, e.g. 20261126T153605Z. */
export function stamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** The config as results.json records it (no live objects). */
export function recordedConfig(config: ResolvedConfig, cpuTimeResolutionSeconds: number): RecordedConfig {
  const { image, outDirUnique: _unique, ...rest } = config;
  const imageChoice: RecordedConfig['image'] =
    image.kind === 'file' ? { kind: 'file', path: image.path, format: image.format } : { ...image };
  return { ...rest, image: imageChoice, cpuTimeResolutionSeconds };
}
