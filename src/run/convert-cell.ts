// One measured conversion: fresh output, empty page cache, qemu-img convert, dirty residue, time to durable.
import { rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Cell, PlanCase } from '../plan/matrix.ts';
import type { Sample } from '../report/schema.ts';
import { dirtyKiB, dropPageCache, timeSyncFile } from './cache.ts';
import { imagesEqual, lastLine, runConvert, type ConvertSpec } from './qemu-img.ts';

/** What every conversion of a run shares. */
export interface ConvertContext {
  /** The source image (absolute path) and its format. */
  image: { path: string; format: string };
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
  };
}

/** Converts once and returns the sample; a failure is a sample with ok=false, never a throw. The output is removed. */
export async function measureConversion(ctx: ConvertContext, planCase: PlanCase, cell: Cell, signal: AbortSignal): Promise<Sample> {
  const spec = cellSpec(ctx, planCase, cell.mode);
  rmSync(spec.dst, { force: true });
  const startedAt = new Date().toISOString();
  const cacheDrop = await dropPageCache([spec.src], ctx.dropCaches);
  const result = await runConvert(planCase.qemuImg, spec, { timeoutSeconds: ctx.timeoutSeconds, signal, env: ctx.env });
  const dirtyAfterKiB = dirtyKiB();
  let sync = 0;
  let outputBytes: number | null = null;
  let verified: boolean | null = null;
  if (result.ok) {
    sync = await timeSyncFile(spec.dst, signal);
    try {
      outputBytes = statSync(spec.dst).blocks * 512;
    } catch {
      outputBytes = null;
    }
    if (ctx.verify && cell.run === 1 && !cell.warmup) verified = await imagesEqual(planCase.qemuImg, spec.src, spec.dst, spec.srcFormat, spec.outFormat);
  }
  rmSync(spec.dst, { force: true });
  const state = result.ok ? 'ok' : result.canceled ? 'interrupted' : result.timedOut ? 'timed-out' : 'failed';
  const error = result.ok
    ? null
    : result.timedOut
      ? `timed out after ${ctx.timeoutSeconds}s`
      : lastLine(result.stderrTail) || (result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode}`);
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
    sync: round6(sync),
    durable: round6(result.wallSeconds + sync),
    exitCode: result.exitCode,
    error,
    stderrTail: result.stderrTail ? result.stderrTail.slice(-STDERR_TAIL_KEPT) : null,
    outputBytes,
    dirtyAfterKiB,
    cacheDrop,
    startedAt,
    verified,
  };
}

/** How much of qemu-img's stderr each sample keeps. */
const STDERR_TAIL_KEPT = 500;

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}
