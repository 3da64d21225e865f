// One measured conversion: fresh output, empty page cache, qemu-img convert, dirty residue, time to durable.
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { type FailureKind, failureKind } from '../model/failure.ts';
import type { Cell, PlanCase } from '../model/plan.ts';
import { effectiveSourceCache, fillArgv } from '../model/project-rules.ts';
import { type ConvertSpec, convertArgs, lastLine } from '../model/qemu-img-command.ts';
import type { Sample } from '../model/results.ts';
import { formatBytes, round6 } from '../model/units.ts';
import { type BlockTarget, zeroLoopFile } from '../system/block-target.ts';
import { meterEnv, takeMeter } from '../system/flush-meter.ts';
import {
  createRunCgroup,
  inCgroup,
  type MemoryCgroupHost,
  type RunMemory,
  removeRunCgroup,
  runMemory,
  sampleDirty,
} from '../system/memory-cgroup.ts';
import { dirtyKiB, dropPageCache, timeSyncFile } from '../system/page-cache.ts';
import { createImage, imagesEqual, runConvert } from '../system/qemu-img.ts';
import type { ProcessResult } from '../system/spawn.ts';
import { fileAllocatedBytes, removeOutputFile } from '../system/target.ts';

/** What every conversion of a run shares. */
export interface ConvertContext {
  /** The source image (absolute path), its format and virtual size (for a pre-created target). */
  image: { path: string; format: string; virtualSize: number };
  /** The case's work folder (inside its target dir, created by the harness). */
  workDir: string;
  /** Drop or evict the page cache before each run. */
  dropCaches: boolean;
  /** Per-run timeout, seconds. */
  timeoutSeconds: number | null;
  /** Extra environment for qemu-img (the flush-delay interposer). */
  env: Record<string, string>;
  /** Compare the output with the source after the first measured run of each mode. */
  verify: boolean;
  /** Told of each successful output (untimed, before it is removed): e.g. to hash the guest data once. */
  onOutput?: (path: string, format: string) => Promise<void>;
  /**
   * The block device outputs go to (-n): a user's device, overwritten as it is, or a loop device whose file is zeroed
   * before each run; null for an output file per mode in the work folder.
   */
  device: BlockTarget | null;
  /** Run each conversion in a memory cgroup with this limit (--memory-limit), or null. */
  memory: { host: MemoryCgroupHost; limitBytes: number } | null;
  /** The flush meter's library, loaded into every measured run, or null (--no-flush-meter, or not available). */
  meter: string | null;
}

/** The spec of a cell's conversion. */
export function cellSpec(ctx: ConvertContext, planCase: PlanCase, mode: string): ConvertSpec {
  const files = {
    srcFormat: ctx.image.format,
    outFormat: planCase.outputFormat,
    src: ctx.image.path,
    dst: ctx.device?.path ?? join(ctx.workDir, `out-${mode}.${planCase.outputFormat}`),
  };
  const command = planCase.command;
  return {
    ...files,
    mode,
    srcCache: command ? effectiveSourceCache(command.argv) : planCase.srcCache,
    options: planCase.options,
    argv: command ? fillArgv(command.argv, files) : null,
  };
}

/** What happened after a successful conversion: time to durable, output size, verification. */
interface AfterConvert {
  sync: number;
  outputBytes: number | null;
  verified: boolean | null;
}

/** Syncs the output (timed), measures its size and, for the first measured run, compares it with the source. */
async function afterConvert(
  ctx: ConvertContext,
  planCase: PlanCase,
  cell: Cell,
  spec: ConvertSpec,
  signal: AbortSignal,
): Promise<AfterConvert> {
  const sync = await timeSyncFile(spec.dst, signal, ctx.device !== null);
  const outputBytes = fileAllocatedBytes(ctx.device?.loopFile ?? spec.dst); // null for a device node
  const verify = ctx.verify && cell.run === 1 && !cell.warmup;
  const verified = verify
    ? await imagesEqual(planCase.qemuImg, spec.src, spec.dst, spec.srcFormat, spec.outFormat)
    : null;
  await ctx.onOutput?.(spec.dst, spec.outFormat);
  return { sync, outputBytes, verified };
}

/** A run's state from qemu-img's ending. */
function runState(result: ProcessResult): Sample['state'] {
  if (result.ok) return 'ok';
  if (result.canceled) return 'interrupted';
  return result.timedOut ? 'timed-out' : 'failed';
}

/** What kind of failure a run was, from qemu-img's exit and words and the memory cgroup. */
function failureOf(result: ProcessResult, memory: RunMemory | null, mode: string): FailureKind {
  const { timedOut, signal } = result;
  const oomKilled = memory?.oomKilled === true;
  return failureKind({ mode, timedOut, oomKilled, signal, message: result.stderrTail });
}

/** Why a run failed, in one line. */
function failureText(result: ProcessResult, timeoutSeconds: number | null, memory: RunMemory | null): string {
  if (result.timedOut) return `timed out after ${timeoutSeconds}s`;
  if (memory?.oomKilled) return `killed by the kernel's OOM killer (memory limit ${formatBytes(memory.limitBytes)})`;
  return lastLine(result.stderrTail) || (result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode}`);
}

/**
 * Makes the target fresh for a run (measured or audited): the old output file removed (and pre-created for -n
 * --target-is-zero, or for a project's command onto an existing volume), or a loop device's file all holes again; a
 * user's device is left as it is.
 */
export async function freshTarget(
  ctx: ConvertContext,
  planCase: PlanCase,
  spec: ConvertSpec,
): Promise<ProcessResult | null> {
  if (ctx.device) {
    if (ctx.device.loopFile) zeroLoopFile(ctx.device.loopFile, ctx.device.sizeBytes);
    return null;
  }
  removeOutputFile(spec.dst);
  return spec.options.targetIsZero || planCase.command?.existingTarget
    ? await createImage(planCase.qemuImg, spec.dst, spec.outFormat, ctx.image.virtualSize)
    : null;
}

/** Runs the conversion, inside a memory cgroup of its own when the context asks for one (removed afterwards). */
async function convertMeasured(
  ctx: ConvertContext,
  planCase: PlanCase,
  spec: ConvertSpec,
  signal: AbortSignal,
  env: Record<string, string>,
): Promise<{ result: ProcessResult; memory: RunMemory | null }> {
  const around = planCase.command;
  const options = { timeoutSeconds: ctx.timeoutSeconds, signal, env: { ...env, ...around?.env } };
  const prefix = around?.prefix ?? [];
  const prefixed = (file: string, args: readonly string[]) =>
    prefix.length
      ? { file: prefix[0] as string, args: [...prefix.slice(1), file, ...args] }
      : { file, args: [...args] };
  if (!ctx.memory) return { result: await runConvert(planCase.qemuImg, spec, options, prefixed), memory: null };
  const cg = createRunCgroup(ctx.memory.host, ctx.memory.limitBytes);
  try {
    const dirty = sampleDirty(cg);
    const inGroup = (file: string, args: readonly string[]) => {
      const p = prefixed(file, args);
      return inCgroup(cg, p.file, p.args);
    };
    const result = await runConvert(planCase.qemuImg, spec, options, inGroup);
    const memory = runMemory(cg, dirty.stop());
    return { result: memory.oomKilled ? { ...result, ok: false } : result, memory };
  } finally {
    await removeRunCgroup(cg);
  }
}

/** Converts once and returns the sample; a failure is a sample with ok=false, never a throw. The output is removed. */
export async function measureConversion(
  ctx: ConvertContext,
  planCase: PlanCase,
  cell: Cell,
  signal: AbortSignal,
): Promise<Sample> {
  const spec = cellSpec(ctx, planCase, cell.mode);
  const startedAt = new Date().toISOString();
  const created = await freshTarget(ctx, planCase, spec);
  // The last removal was the output file, or the holes punched into a loop device's file; a user's device keeps its
  // data.
  const removedUnder = ctx.device ? (ctx.device.loopFile ?? null) : ctx.workDir;
  const { drop: cacheDrop, discardWait } = await dropPageCache([spec.src], ctx.dropCaches, removedUnder);
  const meterFile = ctx.meter ? join(ctx.workDir, `meter-${randomBytes(6).toString('hex')}.txt`) : null;
  const env = ctx.meter && meterFile ? { ...ctx.env, ...meterEnv(ctx.meter, meterFile) } : ctx.env;
  const { result, memory } =
    created && !created.ok
      ? { result: created, memory: null }
      : await convertMeasured(ctx, planCase, spec, signal, env);
  const flushes = meterFile ? takeMeter(meterFile) : null;
  // The delay library writes its exit line in every run it is loaded into: without one, no flush was delayed.
  const unapplied = result.ok && meterFile !== null && flushes === null && ctx.env.QCB_FLUSH_DELAY_NS !== undefined;
  const vanished = result.ok && !unapplied ? outputMissing(ctx, spec) : null;
  const dirtyAfterKiB = dirtyKiB();
  const after =
    result.ok && !vanished
      ? await afterConvert(ctx, planCase, cell, spec, signal)
      : { sync: 0, outputBytes: null, verified: null };
  removeOutputFile(spec.dst);
  // A run qemu-img calls a success is failed when its measurement is not what it claims to be.
  const spoiled: { failure: FailureKind; error: string } | null = unapplied
    ? { failure: 'emulation-not-applied', error: EMULATION_NOT_APPLIED }
    : vanished
      ? { failure: 'target-vanished', error: vanished }
      : null;
  const state = spoiled ? 'failed' : runState(result);
  return {
    caseId: planCase.id,
    mode: cell.mode,
    run: cell.run,
    round: cell.round,
    warmup: cell.warmup,
    state,
    failure: spoiled ? spoiled.failure : result.ok || result.canceled ? null : failureOf(result, memory, cell.mode),
    real: round6(result.wallSeconds),
    user: result.userSeconds,
    sys: result.sysSeconds,
    sync: round6(after.sync),
    durable: round6(result.wallSeconds + after.sync),
    exitCode: result.exitCode,
    error: spoiled ? spoiled.error : result.ok ? null : failureText(result, ctx.timeoutSeconds, memory),
    stderrTail: result.stderrTail ? result.stderrTail.slice(-STDERR_TAIL_KEPT) : null,
    outputBytes: after.outputBytes,
    dirtyAfterKiB,
    cacheDrop,
    discardWait: discardWait && { seconds: round6(discardWait.seconds), settled: discardWait.settled },
    startedAt,
    verified: after.verified,
    argv: convertArgs(spec),
    memory,
    flushes,
  };
}

/**
 * Why a run qemu-img called a success wrote nothing measurable, or null: the output file of a directory target is
 * gone (its folder removed or replaced during the run) or, as raw, not the image's virtual size.
 */
function outputMissing(ctx: ConvertContext, spec: ConvertSpec): string | null {
  if (ctx.device) return null;
  let size: number;
  try {
    size = statSync(spec.dst).size;
  } catch {
    return `the output ${spec.dst} was gone when qemu-img returned: the target folder was removed or replaced`;
  }
  if (spec.outFormat === 'raw' && size !== ctx.image.virtualSize) {
    return `the output ${spec.dst} has ${size} bytes, not the image's ${ctx.image.virtualSize}: it was changed`;
  }
  return null;
}

/** The error of a run whose flushes were to be delayed but were not. */
const EMULATION_NOT_APPLIED =
  'the flush-delay library did not load into qemu-img (a wrapper script, a setuid or static build drops LD_PRELOAD): ' +
  'no flush was delayed, so this run is no emulated measurement';

/** How much of qemu-img's stderr each sample keeps. */
const STDERR_TAIL_KEPT = 500;
