// A bench run from start to end: image, facts, probes, the measured plan, and a checkpoint of results after every run.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { summarize } from '../analyze/summary.ts';
import { UserError } from '../cli/errors.ts';
import { cacheRoot } from '../config/paths.ts';
import type { ResolvedConfig } from '../config/resolve.ts';
import { auditFlushes } from '../flush/audit.ts';
import { emulationLabel, ensureInterposer, interposerEnv } from '../flush/interposer.ts';
import { probeFlushLatency } from '../flush/probe.ts';
import { hostFacts } from '../host/facts.ts';
import { storageFacts } from '../host/storage.ts';
import { ensureDefaultImage } from '../image/default.ts';
import { imageFacts, validateImage } from '../image/source.ts';
import { buildCases, buildRounds, type Cell, type PlanCase } from '../plan/matrix.ts';
import { SCHEMA_VERSION, type Results, type Sample } from '../report/schema.ts';
import { cellSpec, measureConversion, type ConvertContext } from './convert-cell.ts';
import { acquireLock } from './lock.ts';
import { runRounds, type EngineOutcome } from './scheduler.ts';
import { createWorkDir, removeWorkDir } from './target.ts';
import { CPU_TIME_RESOLUTION_SECONDS } from './spawn.ts';
import { TOOL } from '../tool.ts';

/** What a bench run reports back to the terminal. */
export interface BenchUi {
  /** A line of information (stderr, not with --quiet). */
  note(message: string): void;
  /** Told before each measured cell. */
  onCell(cell: Cell, index: number, total: number): void;
  /** Told when the plan ends. */
  done(): void;
}

/** Saves the results (called after every run); the caller decides where and how. */
export type Checkpoint = (results: Results) => void;

/** The config as results.json records it (no live objects). */
export function recordedConfig(config: ResolvedConfig): Results['config'] {
  const { image, ...rest } = config;
  const imageChoice = image.kind === 'file' ? { kind: 'file', path: image.path, format: image.format } : { ...image };
  return { ...rest, image: imageChoice, cpuTimeResolutionSeconds: CPU_TIME_RESOLUTION_SECONDS };
}

async function prepareImage(config: ResolvedConfig, ui: BenchUi, signal: AbortSignal): Promise<Results['image']> {
  const qemuImg = config.qemuImgs[0]?.path as string;
  if (config.image.kind === 'file') return { ...(await imageFacts(qemuImg, config.image.path, config.image.info, 'file', null, 0)) };
  const { kind: _kind, cacheDir, ...params } = config.image;
  const built = await ensureDefaultImage(qemuImg, params, cacheDir, ui.note, signal);
  const info = await validateImage(qemuImg, built.path, 'qcow2');
  return { ...(await imageFacts(qemuImg, built.path, info, 'default', params, built.buildSeconds)) };
}

/** Runs the plan of `config`; `previous` continues an interrupted run. Results are checkpointed after every run. */
export async function runBench(config: ResolvedConfig, ui: BenchUi, checkpoint: Checkpoint, signal: AbortSignal, previous?: Results): Promise<{ results: Results; outcome: EngineOutcome }> {
  const image = await prepareImage(config, ui, signal);
  if (previous && previous.image.sha256 !== image.sha256) {
    throw new UserError(`the image changed since the interrupted run (sha256 ${image.sha256.slice(0, 12)} vs ${previous.image.sha256.slice(0, 12)}); start a new run instead of --resume`);
  }
  const planCases = buildCases({ qemuImgs: config.qemuImgs.map((q) => q.path), targetDirs: config.targetDirs, outputFormats: config.outputFormats, srcCaches: config.srcCaches });
  for (const dir of config.targetDirs) mkdirSync(dir, { recursive: true });
  const releases = config.targetDirs.map((dir) => acquireLock(dir, ui.note));
  const workDirs = new Map(config.targetDirs.map((dir) => [dir, createWorkDir(dir)]));
  try {
    const env = config.emulateFlushLatencyMs !== null ? interposerEnv(await ensureInterposer(cacheRoot()), config.emulateFlushLatencyMs) : {};
    const contexts = new Map<string, ConvertContext>(
      planCases.map((c) => [c.id, { image: { path: image.path, format: image.format }, workDir: workDirs.get(c.targetDir) as string, dropCaches: config.dropCaches, timeoutSeconds: config.timeoutSeconds, env, verify: config.verify }]),
    );
    const results: Results = previous ?? {
      schemaVersion: SCHEMA_VERSION,
      tool: TOOL,
      kind: 'bench',
      complete: false,
      emulation: emulationLabel(config.emulateFlushLatencyMs),
      startedAt: new Date().toISOString(),
      finishedAt: null,
      config: recordedConfig(config),
      host: { ...hostFacts() },
      image,
      cases: planCases.map((c) => ({ ...c, qemuImgVersion: config.qemuImgs.find((q) => q.path === c.qemuImg)?.version ?? 'unknown', storage: { ...storageFacts(c.targetDir) } })),
      samples: [],
      summary: { baseline: config.baseline, cases: [] },
      flushAudit: [],
      flushProbe: [],
      notMeasured: [],
      warnings: [],
    };
    const caseIds = planCases.map((c) => c.id);
    const resummarize = () => (results.summary = summarize(results.samples, caseIds, config.modes, config.baseline, config.seed));
    results.complete = false;
    resummarize();
    if (!previous) {
      notMeasured(results, config);
      checkpoint(results);
      await probesAndAudit(results, config, planCases, contexts, ui, signal);
      checkpoint(results);
    }
    const byId = new Map(planCases.map((c) => [c.id, c]));
    const rounds = buildRounds(caseIds, config.modes, config.runs, config.warmup, config.seed);
    const outcome = await runRounds<Cell, Sample>(rounds, {
      measure: (cell, s) => measureConversion(contexts.get(cell.caseId) as ConvertContext, byId.get(cell.caseId) as PlanCase, cell, s),
      record: (sample) => {
        results.samples.push(sample);
        resummarize();
        checkpoint(results);
      },
      isDone: (cell) => results.samples.some((s) => s.caseId === cell.caseId && s.mode === cell.mode && s.round === cell.round),
      shouldStop: (sample) => !sample.ok && config.onFailure === 'stop',
      onStart: ui.onCell,
    }, signal);
    ui.done();
    results.complete = outcome.complete;
    results.finishedAt = new Date().toISOString();
    results.warnings = results.summary.cases.flatMap((c) => c.modes.flatMap((m) => m.warnings.map((w) => (planCases.length > 1 ? `[${c.caseId}] ${w}` : w))));
    checkpoint(results);
    return { results, outcome };
  } finally {
    for (const dir of workDirs.values()) removeWorkDir(dir);
    for (const release of releases) release();
  }
}

/** Records what this run cannot measure, so the report can say so. */
function notMeasured(results: Results, config: ResolvedConfig): void {
  const host = results.host as { root?: boolean };
  if (!config.dropCaches) results.notMeasured.push('cold-cache times: page cache dropping was turned off (--no-drop-caches)');
  else if (!host.root) results.notMeasured.push('cold-cache times with an empty page cache: not root, so /proc/sys/vm/drop_caches was not used; source files were evicted with posix_fadvise(DONTNEED) instead, which leaves other cached data');
  if (!config.flushAudit) results.notMeasured.push('flush audit (system calls per mode): skipped with --no-flush-audit');
  if (!config.flushProbe) results.notMeasured.push('flush latency of the target storage: skipped with --no-flush-probe');
}

/** Flush-latency probe per target dir and the strace flush audit per case x mode (untimed, before the plan). */
async function probesAndAudit(results: Results, config: ResolvedConfig, planCases: PlanCase[], contexts: Map<string, ConvertContext>, ui: BenchUi, signal: AbortSignal): Promise<void> {
  if (config.flushProbe) {
    const seen = new Set<string>();
    for (const c of planCases) {
      if (seen.has(c.targetDir) || signal.aborted) continue;
      seen.add(c.targetDir);
      ui.note(`probing flush latency of ${c.targetDir}`);
      results.flushProbe.push(await probeFlushLatency(c.id, c.targetDir, (contexts.get(c.id) as ConvertContext).workDir, config.emulateFlushLatencyMs));
    }
  }
  if (!config.flushAudit) return;
  for (const c of planCases) {
    for (const mode of config.modes) {
      if (signal.aborted) return;
      ui.note(`flush audit (untimed, under strace): ${c.id} ${mode}`);
      const ctx = contexts.get(c.id) as ConvertContext;
      const audit = await auditFlushes(c.qemuImg, cellSpec(ctx, c, mode), c.id, join(ctx.workDir, 'strace.log'), config.timeoutSeconds, signal);
      results.flushAudit.push(audit);
      if (!audit.ok && audit.note?.startsWith('strace is not installed')) {
        results.notMeasured.push(`flush audit: ${audit.note}`);
        return;
      }
    }
  }
}
