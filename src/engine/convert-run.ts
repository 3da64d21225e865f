// One measured conversion: fresh output, empty page cache, qemu-img convert, dirty residue, time to durable.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Cell, PlanCase } from '../model/plan.ts';
import { type ConvertSpec, convertArgs, lastLine } from '../model/qemu-img-command.ts';
import type { Sample } from '../model/results.ts';
import { round6 } from '../model/units.ts';
import { dirtyKiB, dropPageCache, timeSyncFile } from './page-cache.ts';
import { createImage, imagesEqual, runConvert } from './qemu-img.ts';
import type { ProcessResult } from './spawn.ts';
import { fileAllocatedBytes } from './target.ts';

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
}

/** The spec of a cell's conversion. */
export function cellSpec(ctx: ConvertContext, planCase: PlanCase, mode: string): ConvertSpec {
  return {
    mode,
    srcCache: planCase.srcCache,
    srcFormat: ctx.image.format,
    outFormat: planCase.outputFormat,
    src: ctx.image.path,
    dst: join(ctx.workDir, `out-${mode}.${planCase.outputFormat}`),
    options: planCase.options,
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
  const sync = await timeSyncFile(spec.dst, signal);
  const outputBytes = fileAllocatedBytes(spec.dst);
  const verify = ctx.verify && cell.run === 1 && !cell.warmup;
  const verified = verify
    ? await imagesEqual(planCase.qemuImg, spec.src, spec.dst, spec.srcFormat, spec.outFormat)
    : null;
  await ctx.onOutput?.(spec.dst, spec.outFormat);
  return { sync, outputBytes, verified };
}

/** Why a run failed, in one line. */
function failureText(result: ProcessResult, timeoutSeconds: number | null): string {
  if (result.timedOut) return `timed out after ${timeoutSeconds}s`;
  return lastLine(result.stderrTail) || (result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode}`);
}

/** Converts once and returns the sample; a failure is a sample with ok=false, never a throw. The output is removed. */
export async function measureConversion(
  ctx: ConvertContext,
  planCase: PlanCase,
  cell: Cell,
  signal: AbortSignal,
): Promise<Sample> {
  const spec = cellSpec(ctx, planCase, cell.mode);
  rmSync(spec.dst, { force: true });
  const startedAt = new Date().toISOString();
  const created = spec.options.targetIsZero
    ? await createImage(planCase.qemuImg, spec.dst, spec.outFormat, ctx.image.virtualSize)
    : null;
  const cacheDrop = await dropPageCache([spec.src], ctx.dropCaches);
  const result =
    created && !created.ok
      ? created
      : await runConvert(planCase.qemuImg, spec, { timeoutSeconds: ctx.timeoutSeconds, signal, env: ctx.env });
  const dirtyAfterKiB = dirtyKiB();
  const after = result.ok
    ? await afterConvert(ctx, planCase, cell, spec, signal)
    : { sync: 0, outputBytes: null, verified: null };
  rmSync(spec.dst, { force: true });
  const state = result.ok ? 'ok' : result.canceled ? 'interrupted' : result.timedOut ? 'timed-out' : 'failed';
  return {
    caseId: planCase.id,
    mode: cell.mode,
    run: cell.run,
    round: cell.round,
    warmup: cell.warmup,
    ok: result.ok,
    state,
    real: round6(result.wallSeconds),
    user: result.userSeconds,
    sys: result.sysSeconds,
    sync: round6(after.sync),
    durable: round6(result.wallSeconds + after.sync),
    exitCode: result.exitCode,
    error: result.ok ? null : failureText(result, ctx.timeoutSeconds),
    stderrTail: result.stderrTail ? result.stderrTail.slice(-STDERR_TAIL_KEPT) : null,
    outputBytes: after.outputBytes,
    dirtyAfterKiB,
    cacheDrop,
    startedAt,
    verified: after.verified,
    argv: convertArgs(spec),
  };
}

/** How much of qemu-img's stderr each sample keeps. */
const STDERR_TAIL_KEPT = 500;
