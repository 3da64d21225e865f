// A bench run from start to end: image, facts, probes, the measured plan, and a checkpoint of results after every run.
import { statSync } from 'node:fs';
import { findingsOf } from '../analyze/findings.ts';
import { summarize } from '../analyze/summary.ts';
import { cacheRoot } from '../config/paths.ts';
import { type ResolvedConfig, recordedConfig } from '../config/resolve.ts';
import { type ConvertContext, measureConversion } from '../engine/convert-run.ts';
import { type EngineOutcome, runRounds } from '../engine/scheduler.ts';
import { ensureInterposer, interposerEnv } from '../flush/interposer.ts';
import { hostFacts } from '../host/host-facts.ts';
import { DEFAULT_IMAGE_GENERATOR_VERSION, ensureDefaultImage } from '../image/builtin-image.ts';
import { cachedContentId, keepContentId, RAW_CONTENT_METHOD, rawOutputContentId } from '../image/content-identity.ts';
import { imageFacts, sha256File, validateImage } from '../image/image-facts.ts';
import { emulationLabel } from '../model/emulation.ts';
import { EnvironmentError, UsageError } from '../model/errors.ts';
import type { NotMeasured } from '../model/findings.ts';
import { type Cell, caseModes, type PlanCase } from '../model/plan.ts';
import { type ImageFacts, type Results, type RunCase, type Sample, SCHEMA_VERSION } from '../model/results.ts';
import { buildCases, buildRounds } from '../plan/matrix.ts';
import { CPU_TIME_RESOLUTION_SECONDS } from '../system/spawn.ts';
import { adaptiveSampler } from './adaptive-sampling.ts';
import {
  cachedAuditsAndProbes,
  deferredProbesAndAudits,
  meterLibrary,
  noteMeterNotLoaded,
  recordNotMeasured,
} from './bench-audits.ts';
import { checkDurability, requirePowerCutCheck } from './bench-durability.ts';
import type { Checkpoint, RunState } from './bench-state.ts';
import {
  caseStorage,
  configTargets,
  emptyTargets,
  expandProjects,
  type PreparedTargets,
  prepareTargets,
  releaseTargets,
  targetKey,
} from './bench-targets.ts';
import type { BenchUi } from './terminal-port.ts';
import { TOOL } from './tool-version.ts';

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

async function prepareImage(config: ResolvedConfig, ui: BenchUi, signal: AbortSignal): Promise<ImageFacts> {
  const qemuImg = config.qemuImgs[0]?.path as string;
  const image = config.image;
  if (image.kind === 'file') {
    return imageFacts(image.path, image.info, 'file', { params: null, buildSeconds: 0 }, cacheRoot());
  }
  const { kind: _kind, cacheDir, ...params } = image;
  const built = await ensureDefaultImage(qemuImg, params, cacheDir, ui.note, signal);
  const info = await validateImage(qemuImg, built.path, 'qcow2');
  const facts = await imageFacts(
    built.path,
    info,
    'default',
    { params, buildSeconds: built.buildSeconds },
    cacheRoot(),
  );
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
  requirePowerCutCheck(config);
  const image = await prepareImage(config, ui, signal);
  // --budget counts from here: a first run's one-time build of the built-in image (about 45 s) is not sampling time.
  const benchStarted = Date.now();
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
    const asProjects = config.asProjects
      ? expandProjects(config.asProjects, config.projectStorage, matrixCases, image, prepared)
      : null;
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
    caseDifferences: [],
    durability: [],
  };
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
    skip: (cell: Cell) => sampler.skips(cell),
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
