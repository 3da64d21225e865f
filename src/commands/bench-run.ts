// A bench run from start to end: image, facts, probes, the measured plan, and a checkpoint of results after every run.
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { findingsOf } from '../analyze/findings.ts';
import { meterMedians } from '../analyze/meter.ts';
import { summarize } from '../analyze/summary.ts';
import { cacheRoot } from '../config/paths.ts';
import { type ResolvedConfig, recordedConfig } from '../config/resolve.ts';
import {
  attachLoop,
  type BlockTarget,
  blockDeviceSize,
  detachLoop,
  LOOP_FILE,
  releaseDeadLoops,
} from '../engine/block-target.ts';
import { type ConvertContext, cellSpec, freshTarget, measureConversion } from '../engine/convert-run.ts';
import { acquireLock } from '../engine/lock.ts';
import { findMemoryCgroupHost, type MemoryCgroupHost, removeDeadCgroups } from '../engine/memory-cgroup.ts';
import { unmountDeadPowerCuts, unmountPowerCutsUnder } from '../engine/power-cut-mount.ts';
import { type EngineOutcome, runRounds } from '../engine/scheduler.ts';
import { CPU_TIME_RESOLUTION_SECONDS } from '../engine/spawn.ts';
import { createWorkDir, opensWithODirect, removeDeadWorkDirs, removeWorkDir } from '../engine/target.ts';
import { auditWithCounter, auditWithStrace } from '../flush/audit.ts';
import { auditKey, binarySha256, keyInputs, readCachedAudit, writeCachedAudit } from '../flush/audit-cache.ts';
import { ensureInterposer, interposerEnv } from '../flush/interposer.ts';
import { checkPowerCut, ensurePowerCutFs, rawReference } from '../flush/power-cut-check.ts';
import { probeFlushLatency } from '../flush/probe.ts';
import { hostFacts } from '../host/host-facts.ts';
import { deviceStorageFacts, storageFacts } from '../host/storage-facts.ts';
import { DEFAULT_IMAGE_GENERATOR_VERSION, ensureDefaultImage } from '../image/builtin-image.ts';
import { cachedContentId, keepContentId, RAW_CONTENT_METHOD, rawOutputContentId } from '../image/content-identity.ts';
import { imageFacts, sha256File, validateImage } from '../image/image-facts.ts';
import { emulationLabel } from '../model/emulation.ts';
import { EnvironmentError, UsageError } from '../model/errors.ts';
import type { NotMeasured } from '../model/findings.ts';
import { type Cell, caseModes, type PlanCase, type Target } from '../model/plan.ts';
import { seededRandom } from '../model/prng.ts';
import type { ProjectFacts, ProjectId } from '../model/project-rules.ts';
import {
  flushesOf,
  type ImageFacts,
  type Results,
  type RunCase,
  type Sample,
  SCHEMA_VERSION,
} from '../model/results.ts';
import { formatBytes } from '../model/units.ts';
import { buildCases, buildRounds } from '../plan/matrix.ts';
import { projectCases } from '../plan/project-cases.ts';
import { adaptiveSampler } from './adaptive-sampling.ts';
import type { BenchUi } from './terminal-port.ts';
import { TOOL } from './tool-version.ts';

/** Saves the results (called after every run); the caller decides where and how. */
export type Checkpoint = (results: Results) => void;

/** What one bench run works with once its image is ready and its target dirs are locked. */
interface RunState {
  config: ResolvedConfig;
  /** When the bench started (ms since the epoch): the --budget counts from here. */
  benchStarted: number;
  ui: BenchUi;
  signal: AbortSignal;
  checkpoint: Checkpoint;
  planCases: PlanCase[];
  contexts: Map<string, ConvertContext>;
  results: Results;
}

/** What identifies the source file's content cheaply: size, modification time and inode. */
function sourceStamp(path: string): string {
  const st = statSync(path);
  return `size ${st.size}, mtime ${new Date(st.mtimeMs).toISOString()}, inode ${st.ino}`;
}

/**
 * Throws (exit 3) when the source image changed since the bench started: later rounds would convert other data under
 * the first sha256. The runs saved so far stay in results.json.
 */
function requireSameSource(path: string, before: string): void {
  let now: string;
  try {
    now = sourceStamp(path);
  } catch {
    now = 'gone';
  }
  if (now !== before) {
    throw new EnvironmentError(
      `the source image ${path} changed during the bench (${before} -> ${now}); the runs before it are saved: ` +
        'start a new bench on an image nothing writes to',
    );
  }
}

/**
 * --durability-check mounts a FUSE file system, and simulates a block-device target with a loop device over a file
 * on it: refused before anything is built or measured where it cannot (`devices` are the paths it needs, for tests).
 */
export function requirePowerCutCheck(
  config: Pick<ResolvedConfig, 'durabilityCheck' | 'targetDevices' | 'targetLoops'>,
  devices = { fuse: '/dev/fuse', loopControl: '/dev/loop-control' },
): void {
  if (!config.durabilityCheck) return;
  const without = 'or leave --durability-check out';
  if (process.getuid?.() !== 0) {
    throw new EnvironmentError(`--durability-check needs root (it mounts a FUSE file system): run as root ${without}`);
  }
  try {
    accessSync(devices.fuse, constants.R_OK | constants.W_OK);
  } catch {
    throw new EnvironmentError(`--durability-check needs /dev/fuse: load the fuse module (modprobe fuse) ${without}`);
  }
  const blockTargets = config.targetDevices.length + config.targetLoops.length > 0;
  if (blockTargets && !existsSync(devices.loopControl)) {
    throw new EnvironmentError(
      '--durability-check simulates a block-device target with a loop device, and this kernel has no ' +
        `/dev/loop-control: load the loop module (modprobe loop) ${without}`,
    );
  }
}

async function prepareImage(config: ResolvedConfig, ui: BenchUi, signal: AbortSignal): Promise<ImageFacts> {
  const qemuImg = config.qemuImgs[0]?.path as string;
  if (config.image.kind === 'file') return imageFacts(config.image.path, config.image.info, 'file', null, 0);
  const { kind: _kind, cacheDir, ...params } = config.image;
  const built = await ensureDefaultImage(qemuImg, params, cacheDir, ui.note, signal);
  const info = await validateImage(qemuImg, built.path, 'qcow2');
  const facts = await imageFacts(built.path, info, 'default', params, built.buildSeconds);
  const method = `sha256 of the guest data the built-in generator v${DEFAULT_IMAGE_GENERATOR_VERSION} writes (extents)`;
  return { ...facts, content: { id: `builtin-g${DEFAULT_IMAGE_GENERATOR_VERSION}:${built.contentSha256}`, method } };
}

/** Runs the plan of `config`; `previous` continues an interrupted run. Results are checkpointed after every run. */
export async function runBench(
  config: ResolvedConfig,
  ui: BenchUi,
  checkpoint: Checkpoint,
  signal: AbortSignal,
  previous?: Results,
): Promise<{ results: Results; outcome: EngineOutcome }> {
  const benchStarted = Date.now();
  requirePowerCutCheck(config);
  const image = await prepareImage(config, ui, signal);
  if (previous && previous.image.sha256 !== image.sha256) {
    const which = `sha256 ${image.sha256.slice(0, 12)} vs ${previous.image.sha256.slice(0, 12)}`;
    throw new UsageError(`the image changed since the interrupted run (${which}); start a new run instead of --resume`);
  }
  const matrixCases = buildCases({
    qemuImgs: config.qemuImgs.map((q) => q.path),
    targets: configTargets(config),
    outputFormats: config.outputFormats,
    srcCaches: config.srcCaches,
    coroutines: config.coroutines,
    outOfOrder: config.outOfOrder,
    rateLimits: config.rateLimits,
    targetIsZero: config.targetIsZero,
  });
  const prepared = emptyTargets();
  try {
    await prepareTargets(config, image.virtualSize, ui, prepared);
    const asProjects = config.asProjects ? expandProjects(config.asProjects, matrixCases, image, prepared) : null;
    const planCases = asProjects?.cases ?? matrixCases;
    const meterNotes: NotMeasured[] = [];
    const contexts = await convertContexts(config, planCases, image, prepared, meterNotes);
    const results = previous
      ? { ...previous, schemaVersion: SCHEMA_VERSION }
      : newResults(config, planCases, image, prepared);
    if (!previous) results.notMeasured.push(...meterNotes);
    for (const { project, target, state } of previous ? [] : (asProjects?.skipped ?? []))
      results.notMeasured.push({ code: 'project-not-run', project, target, state });
    const state: RunState = { config, benchStarted, ui, signal, checkpoint, planCases, contexts, results };
    return { results, outcome: await measurePlan(state, previous === undefined) };
  } finally {
    await releaseTargets(prepared, ui);
  }
}

/**
 * --as-projects: every target case becomes the cases of the projects' commands there, from the target's facts (kind,
 * device, file system, and whether the target and the source open with O_DIRECT, tried now).
 */
function expandProjects(
  projects: readonly ProjectId[],
  base: PlanCase[],
  image: ImageFacts,
  prepared: PreparedTargets,
) {
  const source = opensWithODirect(image.path);
  const expanded = base.map((c) => {
    const key = targetKey(c.targetKind, c.targetDir);
    const device = prepared.devices.get(key)?.path ?? null;
    const target = opensWithODirect(device ?? (prepared.workDirs.get(key) as string));
    const storage = caseStorage(c);
    const facts: ProjectFacts = {
      target: c.targetKind === 'dir' ? 'dir' : 'block',
      device,
      odirect: target,
      sourceOdirect: source,
      fsType: storage.fsType,
      writebackOomKilled: null,
      srcFormat: image.format,
      outFormat: c.outputFormat,
    };
    return projectCases(c, facts, projects, { target, source });
  });
  return { cases: expanded.flatMap((e) => e.cases), skipped: expanded.flatMap((e) => e.skipped) };
}

/** The storage facts of a case's target: a block device's own, or those of the file system holding the folder. */
function caseStorage(c: PlanCase) {
  return c.targetKind === 'device' ? deviceStorageFacts(c.targetDir) : storageFacts(c.targetDir);
}

/** The target axis: directories, block devices, loop folders, in that order. */
function configTargets(config: ResolvedConfig): Target[] {
  return [
    ...config.targetDirs.map((path) => ({ kind: 'dir' as const, path })),
    ...config.targetDevices.map((path) => ({ kind: 'device' as const, path })),
    ...config.targetLoops.map((path) => ({ kind: 'loop' as const, path })),
  ];
}

/** A target's key in the maps below (the same folder can be a directory target and hold a loop file). */
function targetKey(kind: string, path: string): string {
  return `${kind}:${path}`;
}

/** What the run set up on its targets, so that all of it is released however the run ends. */
interface PreparedTargets {
  workDirs: Map<string, string>;
  devices: Map<string, BlockTarget>;
  releases: (() => void)[];
  memory: MemoryCgroupHost | null;
}

function emptyTargets(): PreparedTargets {
  return { workDirs: new Map(), devices: new Map(), releases: [], memory: null };
}

/**
 * Locks each target and makes the harness's work folder: in the directory, in the loop folder (with the loop file
 * and its device), or for a block device under the cache root. Leftovers of runs that died are removed first.
 */
async function prepareTargets(config: ResolvedConfig, size: number, ui: BenchUi, into: PreparedTargets) {
  const released = await releaseDeadLoops();
  if (released.length) ui.note(`detached ${released.join(', ')}: loop devices of runs that died`);
  if (config.memoryLimitBytes !== null) {
    into.memory = findMemoryCgroupHost();
    const removed = into.memory ? removeDeadCgroups(into.memory) : 0;
    if (removed) ui.note(`removed ${removed} memory cgroup${removed > 1 ? 's' : ''} of runs that died`);
  }
  for (const target of configTargets(config)) {
    const dir = target.kind === 'device' ? join(cacheRoot(), 'devices', basename(target.path)) : target.path;
    mkdirSync(dir, { recursive: true });
    into.releases.push(acquireLock(dir, ui.note));
    for (const point of await unmountDeadPowerCuts(dir)) ui.note(`unmounted ${point}: left mounted by a run that died`);
    reportFreed(dir, removeDeadWorkDirs(dir), ui);
    const key = targetKey(target.kind, target.path);
    const workDir = createWorkDir(dir);
    into.workDirs.set(key, workDir);
    if (target.kind === 'loop') {
      const loop = await attachLoop(workDir, size);
      into.devices.set(key, loop);
      ui.note(`attached ${loop.path} over ${loop.loopFile} (direct I/O ${loop.loopDirectIo ? 'on' : 'off'})`);
    } else if (target.kind === 'device') {
      const sizeBytes = blockDeviceSize(target.path) ?? size;
      into.devices.set(key, { path: target.path, sizeBytes, loopFile: null, loopDirectIo: null });
    }
  }
}

/** Detaches the loop devices, removes the work folders (with the loop files) and releases the locks. */
async function releaseTargets(prepared: PreparedTargets, ui: BenchUi): Promise<void> {
  for (const device of prepared.devices.values()) {
    if (device.loopFile && !(await detachLoop(device.path))) {
      ui.note(`could not detach ${device.path}; the next run detaches it, or run losetup -d ${device.path}`);
    }
  }
  for (const dir of prepared.workDirs.values()) {
    await unmountPowerCutsUnder(dir);
    removeWorkDir(dir);
  }
  for (const release of prepared.releases) release();
}

function reportFreed(dir: string, freed: { count: number; bytes: number; killed: string[] }, ui: BenchUi): void {
  if (freed.killed.length) {
    ui.note(`killed ${freed.killed.join(', ')}: still converting in ${dir} for a run that died, not measured beside`);
  }
  if (freed.count === 0) return;
  const what = `${freed.count} work folder${freed.count > 1 ? 's' : ''} of runs that died`;
  ui.note(`removed ${what} from ${dir}: ${formatBytes(freed.bytes)} freed`);
}

/** The flush meter's library, or null with the reason noted when it cannot be had (no compiler, no prebuilt). */
async function meterLibrary(notMeasured: NotMeasured[]): Promise<string | null> {
  try {
    return await ensureInterposer(cacheRoot());
  } catch (error) {
    notMeasured.push({ code: 'flush-meter-unavailable', error: (error as Error).message.split('\n')[0] ?? '' });
    return null;
  }
}

async function convertContexts(
  config: ResolvedConfig,
  planCases: PlanCase[],
  image: ImageFacts,
  prepared: PreparedTargets,
  notMeasured: NotMeasured[],
): Promise<Map<string, ConvertContext>> {
  const latency = config.emulateFlushLatencyMs;
  const env = latency !== null ? interposerEnv(await ensureInterposer(cacheRoot()), latency) : {};
  const meter = config.flushMeter ? await meterLibrary(notMeasured) : null;
  if (!config.flushMeter) notMeasured.push({ code: 'flush-meter-off' });
  const limit = config.memoryLimitBytes;
  const memory = limit !== null && prepared.memory ? { host: prepared.memory, limitBytes: limit } : null;
  const context = (c: PlanCase): ConvertContext => ({
    image: { path: image.path, format: image.format, virtualSize: image.virtualSize },
    workDir: prepared.workDirs.get(targetKey(c.targetKind, c.targetDir)) as string,
    device: prepared.devices.get(targetKey(c.targetKind, c.targetDir)) ?? null,
    memory,
    dropCaches: config.dropCaches,
    timeoutSeconds: config.timeoutSeconds,
    env,
    verify: config.verify,
    meter,
    onOutput:
      image.origin === 'file' ? identifyFirstRawOutput(image, config.qemuImgs[0]?.path ?? 'qemu-img') : undefined,
  });
  return new Map(planCases.map((c) => [c.id, context(c)]));
}

/**
 * For a --image run: the content identity of the guest data, from the cache when this image file was identified
 * before, else from the first raw output (its data extents only), then kept; the whole output's sha256 when qemu-img
 * cannot map it.
 */
function identifyFirstRawOutput(image: ImageFacts, qemuImg: string) {
  image.content ??= cachedContentId(cacheRoot(), image.sha256);
  return async (path: string, format: string) => {
    if (image.content || format !== 'raw') return;
    const id = await rawOutputContentId(qemuImg, path);
    image.content = id
      ? { id, method: RAW_CONTENT_METHOD }
      : {
          id: `raw:${await sha256File(path)}`,
          method: 'sha256 of the raw guest data (the first raw output of this run)',
        };
    keepContentId(cacheRoot(), image.sha256, image.content);
  };
}

function newResults(
  config: ResolvedConfig,
  planCases: PlanCase[],
  image: ImageFacts,
  prepared: PreparedTargets,
): Results {
  const versionOf = (path: string) => config.qemuImgs.find((q) => q.path === path)?.version ?? 'unknown';
  const runCase = (c: PlanCase): RunCase => ({
    ...c,
    qemuImgVersion: versionOf(c.qemuImg),
    device: prepared.devices.get(targetKey(c.targetKind, c.targetDir)) ?? null,
    storage: caseStorage(c),
  });
  return {
    schemaVersion: SCHEMA_VERSION,
    tool: TOOL,
    kind: 'bench',
    complete: false,
    emulation: emulationLabel(config.emulateFlushLatencyMs, config.emulatePreset),
    startedAt: new Date().toISOString(),
    finishedAt: null,
    config: recordedConfig(config, CPU_TIME_RESOLUTION_SECONDS),
    host: hostFacts(),
    image,
    cases: planCases.map(runCase),
    samples: [],
    summary: { baseline: config.baseline, cases: [] },
    flushAudit: [],
    flushProbe: [],
    sampling: null,
    notMeasured: [],
    warnings: [],
    verdicts: [],
    recommendations: [],
    optionSetChoice: null,
    projectRuns: [],
    durability: [],
  };
}

/** Probes and audits (new runs only), then the measured rounds, checkpointing after every sample. */
/**
 * A successful run in which the loaded meter wrote no exit line: qemu-img dropped LD_PRELOAD, so its flushes were not
 * measured. Counted in notMeasured (flush-meter-not-loaded), said on the terminal the first time.
 */
function noteMeterNotLoaded(
  results: Results,
  sample: Sample,
  ctx: ConvertContext | undefined,
  note: (text: string) => void,
): void {
  if (sample.state !== 'ok' || sample.warmup || sample.flushes !== null || !ctx?.meter) return;
  const entry = results.notMeasured.find((n) => n.code === 'flush-meter-not-loaded');
  if (entry && entry.code === 'flush-meter-not-loaded') {
    entry.runs++;
    return;
  }
  results.notMeasured.push({ code: 'flush-meter-not-loaded', runs: 1 });
  note(
    'the flush meter did not load into qemu-img (a wrapper script, a setuid or static build drops LD_PRELOAD): ' +
      'flushes in the timed runs are not measured',
  );
}

/**
 * A resumed results.json holds only runs of the recorded plan, each once: a sample outside it (an edited file, another
 * run's) or twice would be counted as measured; refused before anything runs.
 */
export function requirePlannedSamples(samples: readonly Sample[], rounds: readonly Cell[][]): void {
  const key = (c: Pick<Cell, 'caseId' | 'mode' | 'round' | 'run' | 'warmup'>) =>
    `${c.caseId}|${c.mode}|${c.round}|${c.run}|${c.warmup}`;
  const planned = new Set(rounds.flat().map(key));
  const seen = new Set<string>();
  for (const s of samples) {
    const what = `${s.caseId} ${s.mode} ${s.warmup ? 'warm-up' : 'run'} ${s.run} (round ${s.round})`;
    const fix = 'it was edited or comes from another run: start a new run instead of --resume';
    if (!planned.has(key(s))) throw new UsageError(`--resume: results.json holds ${what}, outside the plan; ${fix}`);
    if (seen.has(key(s))) throw new UsageError(`--resume: results.json holds ${what} twice; ${fix}`);
    seen.add(key(s));
  }
}

async function measurePlan(state: RunState, fresh: boolean): Promise<EngineOutcome> {
  const { config, results, planCases, ui, checkpoint } = state;
  const caseIds = planCases.map((c) => c.id);
  const modesOf = (id: string) => caseModes(planCases.find((c) => c.id === id) ?? { command: null }, config.modes);
  const resummarize = () => {
    results.summary = summarize(results.samples, caseIds, modesOf, config.baseline);
    Object.assign(results, findingsOf(results));
  };
  results.complete = false;
  resummarize();
  if (fresh) {
    recordNotMeasured(results, config);
    checkpoint(results);
    await cachedAuditsAndProbes(state);
    checkpoint(results);
  }
  const byId = new Map(planCases.map((c) => [c.id, c]));
  const rounds = buildRounds(caseIds, modesOf, config.runs, config.warmup, config.seed);
  if (!fresh) requirePlannedSamples(results.samples, rounds);
  const isDone = (cell: Cell) =>
    results.samples.some((s) => s.caseId === cell.caseId && s.mode === cell.mode && s.round === cell.round);
  const source = sourceStamp(results.image.path);
  const hooks = {
    measure: (cell: Cell, signal: AbortSignal) => {
      requireSameSource(results.image.path, source);
      return measureConversion(
        state.contexts.get(cell.caseId) as ConvertContext,
        byId.get(cell.caseId) as PlanCase,
        cell,
        signal,
      );
    },
    record: (sample: Sample) => {
      results.samples.push(sample);
      noteMeterNotLoaded(results, sample, state.contexts.get(sample.caseId), ui.note);
      resummarize();
      checkpoint(results);
    },
    isDone,
    shouldStop: (sample: Sample) => sample.state !== 'ok' && config.onFailure === 'stop',
    continueAfterRound: (walked: number) => sampler.continueAfter(walked),
    onStart: ui.onCell,
  };
  const sampler = adaptiveSampler(config, results, Date.now, state.benchStarted);
  const outcome = await runRounds<Cell, Sample>(rounds, hooks, state.signal);
  ui.done();
  if (outcome.state !== 'interrupted') {
    await deferredProbesAndAudits(state);
    checkpoint(results);
    await checkDurability(state);
    resummarize(); // the recommendation and the projects' runs read the power-cut results
  }
  // Ctrl-C during the power-cut checks: the measured runs are kept, the run is not complete (--resume checks the rest).
  const ended: EngineOutcome = state.signal.aborted ? { ...outcome, state: 'interrupted' } : outcome;
  results.sampling = sampler.ended(outcome);
  results.complete = ended.state === 'complete';
  results.finishedAt = new Date().toISOString();
  checkpoint(results);
  return ended;
}

/**
 * --durability-check, after the timed runs: per case and mode not yet checked, the power-cut check (untimed), with the
 * mid-conversion cut at a seeded random point; checkpointed after each. A block-device target (a user's device or a
 * loop) is simulated by a loop device over a file on the power-cut file system; the user's device is not written.
 */
async function checkDurability(state: RunState): Promise<void> {
  const { config, results, planCases, contexts, ui, signal, checkpoint } = state;
  if (!config.durabilityCheck) return;
  const binary = await powerCutFs(results);
  if (binary === null) return;
  const random = seededRandom(config.seed + 21);
  let reference: string | null = null;
  for (const c of planCases) {
    const ctx = contexts.get(c.id) as ConvertContext;
    const blockDevice = ctx.device !== null;
    for (const mode of caseModes(c, config.modes)) {
      const cutFraction = 0.2 + 0.6 * random(); // drawn for every mode, so a resumed run cuts where a fresh one would
      if (signal.aborted) return;
      if (results.durability.some((d) => d.caseId === c.id && d.mode === mode)) continue;
      const image = results.image;
      reference ??= await referenceOf(c.qemuImg, image, join(ctx.workDir, 'reference.raw'), results);
      if (reference === null) return;
      ui.note(`power-cut check (untimed): ${c.id} ${mode}`);
      const check = await checkPowerCut({
        qemuImg: c.qemuImg,
        caseId: c.id,
        specFor: (output) =>
          blockDevice
            ? cellSpec({ ...ctx, device: { ...(ctx.device as BlockTarget), path: output, loopFile: null } }, c, mode)
            : cellSpec({ ...ctx, workDir: dirname(output), device: null }, c, mode),
        mode,
        outputName: blockDevice ? LOOP_FILE : basename(cellSpec({ ...ctx, device: null }, c, mode).dst),
        blockDevice,
        reference,
        virtualSize: image.virtualSize,
        preCreate: c.options.targetIsZero || c.command?.existingTarget === true,
        binary,
        folder: join(ctx.workDir, 'power-cut'),
        timeoutSeconds: config.timeoutSeconds,
        cutFraction,
        signal,
      });
      if (signal.aborted) return;
      results.durability.push(check);
      checkpoint(results);
    }
  }
}

/** The source's guest data as raw for the byte counts, or null with the reason recorded. */
async function referenceOf(qemuImg: string, image: ImageFacts, path: string, results: Results) {
  try {
    return await rawReference(qemuImg, image.path, image.format, path);
  } catch (error) {
    results.notMeasured.push({ code: 'durability-unavailable', error: (error as Error).message });
    return null;
  }
}

/** The power-cut file system's program, or null with the reason recorded (no /dev/fuse, cannot be built). */
async function powerCutFs(results: Results): Promise<string | null> {
  try {
    if (!existsSync('/dev/fuse')) throw new Error('this host has no /dev/fuse; load the fuse module (modprobe fuse)');
    return await ensurePowerCutFs(cacheRoot());
  } catch (error) {
    results.notMeasured.push({ code: 'durability-unavailable', error: (error as Error).message.split('\n')[0] ?? '' });
    return null;
  }
}

/** Records what this run cannot measure, so the report can say so. */
function recordNotMeasured(results: Results, config: ResolvedConfig): void {
  const missing = results.notMeasured;
  if (!config.dropCaches) missing.push({ code: 'cold-cache-off' });
  else if (!results.host.root) missing.push({ code: 'cold-cache-not-root' });
  if (!config.flushProbe) missing.push({ code: 'flush-probe-skipped' });
}

/**
 * Before the measured runs: the flush audits the cache holds (same qemu-img build, image, mode and options), and the
 * probes when writethrough's write size is known from them. What the cache lacks waits until after the measured runs
 * ({@link deferredProbesAndAudits}), so a first run on a host spends its budget on measured runs: the flush meter
 * counts the flushes of every timed run, and the audit is a one-time cross-check.
 */
async function cachedAuditsAndProbes(state: RunState): Promise<void> {
  if (auditWanted(state)) await auditAll(state, 'cached');
  const sized = state.planCases.every((c) => meanWriteBytes(state.results, c.id) !== null);
  if (state.config.flushProbe && sized) await probeTargets(state);
}

/**
 * After the measured runs: the probes not run yet (writethrough's write size from the flush meter when no audit has
 * it), then the audits the cache lacked, counted and cached, as long as they fit in what is left of the --budget.
 */
async function deferredProbesAndAudits(state: RunState): Promise<void> {
  if (state.config.flushProbe && !state.results.flushProbe.length) await probeTargets(state);
  if (auditWanted(state)) await auditAll(state, 'uncached');
}

const METER_CANNOT_COUNT = new Set(['flush-meter-off', 'flush-meter-unavailable', 'flush-meter-not-loaded']);

/**
 * The strace audit runs when asked (--flush-audit) or where the flush meter cannot count the timed runs' flushes (off,
 * not buildable, or not loaded into this qemu-img): the meter's counts are the source everywhere else.
 */
function auditWanted(state: RunState): boolean {
  return state.config.flushAudit || state.results.notMeasured.some((n) => METER_CANNOT_COUNT.has(n.code));
}

/**
 * Mean bytes per write request of writethrough in a case: from its audit (strace: writes; counter: flushes), else
 * from the flush meter of its timed runs (the median bytes written over the median flush count).
 */
export function meanWriteBytes(results: Results, caseId: string): number | null {
  const a = results.flushAudit.find((x) => x.caseId === caseId && x.mode === 'writethrough' && x.ok);
  const requests = a?.source === 'strace' ? a.writes : flushesOf(a);
  if (a?.outputBytes && requests) return a.outputBytes / requests;
  const metered = meterMedians(results, caseId, 'writethrough');
  return metered && metered.calls > 0 && metered.writeBytes > 0 ? metered.writeBytes / metered.calls : null;
}

async function probeTargets(state: RunState): Promise<void> {
  const { config, results, planCases, contexts, ui, signal } = state;
  const seen = new Set<string>();
  for (const c of planCases) {
    const key = targetKey(c.targetKind, c.targetDir);
    if (seen.has(key) || signal.aborted) continue;
    seen.add(key);
    const ctx = contexts.get(c.id) as ConvertContext;
    const file = ctx.device?.path ?? join(ctx.workDir, 'flush-probe.tmp');
    ui.note(`probing flush latency of ${file}`);
    const mean = meanWriteBytes(results, c.id);
    results.flushProbe.push(await probeFlushLatency(c.id, c.targetDir, file, config.emulateFlushLatencyMs, mean));
  }
}

/** Where audits are cached. */
function auditCacheDir(): string {
  return join(cacheRoot(), 'flush-audits');
}

/** The LD_PRELOAD counter library, or null (with the reason recorded once) when it cannot be had. */
async function counterLibrary(results: Results): Promise<string | null> {
  try {
    return await ensureInterposer(cacheRoot());
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    results.notMeasured.push({ code: 'flush-counter-unavailable', error: why });
    return null;
  }
}

/** Seconds an audit of `mode` is expected to take: its measured median under strace's overhead (x1.5), plus 1 s. */
function auditEstimate(results: Results, caseId: string, mode: string): number {
  const m = results.summary.cases.find((c) => c.caseId === caseId)?.modes.find((x) => x.mode === mode);
  return (m?.real?.median ?? 0) * 1.5 + 1;
}

/**
 * The flush audit per case x mode: `cached` takes what the cache holds; `uncached` counts the rest (under strace, or
 * the counter without it) and caches it, skipping, with a note, those that would pass the --budget.
 */
async function auditAll(state: RunState, which: 'cached' | 'uncached'): Promise<void> {
  const { config, results, planCases, contexts, ui, signal } = state;
  const budget = config.adaptive?.budgetSeconds ?? null;
  const deferred: string[] = [];
  let counter: string | null | undefined;
  for (const c of planCases) {
    // Cells audited already (read from the cache before the measured runs) are left alone in the second pass.
    const modes = caseModes(c, config.modes).filter(
      (mode) => !results.flushAudit.some((a) => a.caseId === c.id && a.mode === mode),
    );
    if (!modes.length) continue;
    const version = config.qemuImgs.find((q) => q.path === c.qemuImg)?.version ?? 'unknown';
    const build = { version, sha256: binarySha256(c.qemuImg) };
    for (const mode of modes) {
      if (signal.aborted) return;
      const ctx = contexts.get(c.id) as ConvertContext;
      const spec = cellSpec(ctx, c, mode);
      const key = auditKey(keyInputs(build, results.image.sha256, spec));
      const cached = readCachedAudit(auditCacheDir(), key);
      if (cached) {
        results.flushAudit.push({ ...cached, caseId: c.id, cacheKey: key, fromCache: true });
        continue;
      }
      if (which === 'cached' || counter === null) continue;
      const left = budget === null ? Number.POSITIVE_INFINITY : budget - (Date.now() - state.benchStarted) / 1000;
      if (auditEstimate(results, c.id, mode) > left) {
        deferred.push(`${c.id} ${mode}`);
        continue;
      }
      ui.note(`flush audit (untimed, counted once and cached): ${c.id} ${mode}`);
      const prepare = async () => void (await freshTarget(ctx, c, spec));
      const job = {
        qemuImg: c.qemuImg,
        spec,
        caseId: c.id,
        scratch: join(ctx.workDir, 'audit.log'),
        timeoutSeconds: config.timeoutSeconds,
        signal,
        prepare,
        allocatedFile: ctx.device?.loopFile ?? undefined,
      };
      let audit = await auditWithStrace(job);
      if (audit.failure?.code === 'strace-missing') {
        counter ??= await counterLibrary(results);
        if (counter === null) continue;
        audit = await auditWithCounter(job, counter);
      }
      writeCachedAudit(auditCacheDir(), key, audit);
      results.flushAudit.push({ ...audit, cacheKey: audit.ok ? key : null });
    }
  }
  if (deferred.length) results.notMeasured.push({ code: 'flush-audit-deferred', cells: deferred });
}
