// The power-cut check (--durability-check): one untimed conversion onto the power-cut file system, the power cut when
// qemu-img returns, and the output compared with the source; then the same with the cut at a point mid-conversion.
import { closeSync, existsSync, mkdirSync, openSync, readSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { type ConvertSpec, lastLine } from '../model/qemu-img-command.ts';
import type { DurabilityCheck, PowerCutOutcome } from '../model/results.ts';
import { attachLoopOver, createSparseFile, detachLoop } from '../system/block-target.ts';
import { mountPowerCutFs, type PowerCutMount } from '../system/power-cut-mount.ts';
import { createImage, rawDataExtents, runConvert } from '../system/qemu-img.ts';
import { runProcess } from '../system/spawn.ts';
import { ensureBuilt, type NativeHelper } from './native-build.ts';

const POWER_CUT_FS: NativeHelper = {
  source: 'power-cut-fs.c',
  what: 'power-cut file system',
  name: 'power-cut-fs',
  library: false,
  ccArgs: ['-I/usr/include/fuse3', '-Wl,-Bstatic', '-lfuse3', '-Wl,-Bdynamic', '-lpthread', '-ldl'],
  prebuiltEnv: 'QCB_PREBUILT_POWER_CUT_FS',
  packages: 'build-essential libfuse3-dev',
};

/** The power-cut file system's program: the bundle's prebuilt one, else built (statically against libfuse3). */
export function ensurePowerCutFs(cacheRoot: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return ensureBuilt(POWER_CUT_FS, cacheRoot, env);
}

/** What one power-cut check converts, where, and with what. */
export interface PowerCutJob {
  qemuImg: string;
  caseId: string;
  /** The conversion's spec writing to `output`: a file on the mount, or for a block device a loop device over one. */
  specFor: (output: string) => ConvertSpec;
  /** The target cache mode, as the spec has it. */
  mode: string;
  /** The output's file name on the power-cut file system. */
  outputName: string;
  /**
   * A block-device target: qemu-img writes (-n) to a loop device over a zeroed file of the virtual size on the
   * power-cut file system, created in the backing folder before the mount (a volume that exists durably); the loop
   * forwards the device's flushes as fsync of the file.
   */
  blockDevice: boolean;
  /** The source's guest data as a raw file (made once per run by {@link rawReference}). */
  reference: string;
  virtualSize: number;
  /** The output file exists before the conversion (-n): created in the backing folder, so durable from the start. */
  preCreate: boolean;
  /** The power-cut file system's program. */
  binary: string;
  /** A scratch folder in the harness's work folder, created and removed here. */
  folder: string;
  timeoutSeconds: number | null;
  /** Where in the conversion (0-1 of its duration at return) the mid-conversion cut falls. */
  cutFraction: number;
  signal?: AbortSignal;
}

/** Converts the source to raw (its guest data, the reference every output is compared with byte by byte). */
export async function rawReference(qemuImg: string, src: string, format: string, path: string): Promise<string> {
  const args = ['convert', '-t', 'unsafe', '-f', format, '-O', 'raw', src, path];
  const result = await runProcess(qemuImg, args, { timeoutSeconds: 3600 });
  if (!result.ok) throw new Error(`cannot make the raw reference: ${lastLine(result.stderrTail)}`);
  return path;
}

/** Runs the check: the cut at return, then the cut mid-conversion. Failures are values, never thrown. */
export async function checkPowerCut(job: PowerCutJob): Promise<DurabilityCheck> {
  const none = { atReturn: null, differingBytes: null, firstDifferenceOffset: null, output: null };
  const failed = (error: string): DurabilityCheck => ({
    caseId: job.caseId,
    mode: job.mode,
    state: 'failed',
    ...none,
    convertSeconds: null,
    midConversion: null,
    error,
  });
  try {
    const atReturn = await cutRun(job, null);
    if ('error' in atReturn) return failed(atReturn.error);
    const cutAtSeconds = atReturn.seconds * job.cutFraction;
    const mid = await cutRun(job, cutAtSeconds);
    if ('error' in mid) return failed(`mid-conversion: ${mid.error}`);
    const { outcome } = atReturn;
    return {
      caseId: job.caseId,
      mode: job.mode,
      state: 'checked',
      atReturn: outcome.state,
      differingBytes: outcome.differingBytes,
      firstDifferenceOffset: outcome.firstDifferenceOffset,
      output: outcome.output,
      convertSeconds: atReturn.seconds,
      midConversion: { cutAtSeconds, cut: mid.returned ? 'returned' : 'cut', outcome: mid.outcome },
      error: null,
    };
  } catch (error) {
    return failed((error as Error).message.split('\n')[0] ?? 'failed');
  } finally {
    rmSync(job.folder, { recursive: true, force: true });
  }
}

type CutRun = { seconds: number; returned: boolean; outcome: PowerCutOutcome } | { error: string };

/**
 * One conversion onto a fresh power-cut file system; the power is cut when qemu-img returns (`cutAt` null) or
 * `cutAt` seconds after it started (qemu-img is killed with it); then the backing folder is mounted again and the
 * output compared with the source.
 */
async function cutRun(job: PowerCutJob, cutAt: number | null): Promise<CutRun> {
  rmSync(job.folder, { recursive: true, force: true });
  mkdirSync(join(job.folder, 'backing'), { recursive: true });
  const durable = join(job.folder, 'backing', job.outputName);
  if (job.blockDevice) {
    createSparseFile(durable, job.virtualSize);
  } else if (job.preCreate) {
    const format = job.specFor(job.outputName).outFormat;
    const made = await createImage(job.qemuImg, durable, format, job.virtualSize);
    if (!made.ok) return { error: `cannot pre-create the output: ${lastLine(made.stderrTail)}` };
  }
  const mount = await mountPowerCutFs(job.binary, job.folder);
  const file = join(mount.mountpoint, job.outputName);
  let loop: string | null = null;
  let cutting: Promise<void> | null = null;
  const conversion = new AbortController();
  const cutNow = () => {
    cutting ??= (async () => {
      await mount.cut(); // the file system dies first (SIGKILL), then qemu-img
      if (loop) await detachLoop(loop);
    })();
    conversion.abort();
    return cutting;
  };
  const onAbort = () => void cutNow();
  job.signal?.addEventListener('abort', onAbort, { once: true });
  let timer: NodeJS.Timeout | null = null;
  try {
    if (job.blockDevice) loop = (await attachLoopOver(file, job.virtualSize, false)).path;
    const spec = job.specFor(loop ?? file);
    timer = cutAt === null ? null : setTimeout(cutNow, cutAt * 1000);
    const result = await runConvert(job.qemuImg, spec, {
      timeoutSeconds: job.timeoutSeconds,
      signal: conversion.signal,
      killSignal: 'SIGKILL',
    });
    if (timer) clearTimeout(timer);
    const returned = cutting === null;
    await cutNow();
    if (job.signal?.aborted) return { error: 'interrupted' };
    if (cutAt === null && !result.ok) return { error: lastLine(result.stderrTail) || `exit code ${result.exitCode}` };
    const outcome = await recovered(job, spec);
    return { seconds: result.wallSeconds, returned, outcome };
  } finally {
    if (timer) clearTimeout(timer);
    job.signal?.removeEventListener('abort', onAbort);
    await cutNow();
  }
}

/** Mounts the backing folder again (nothing volatile survives) and compares the output with the source. */
async function recovered(job: PowerCutJob, spec: ConvertSpec): Promise<PowerCutOutcome> {
  const again: PowerCutMount = await mountPowerCutFs(job.binary, job.folder);
  try {
    const output = join(again.mountpoint, job.outputName);
    const lostAll = { state: 'lost' as const, differingBytes: job.virtualSize, firstDifferenceOffset: null };
    if (!existsSync(output)) return { ...lostAll, output: 'missing' };
    const args = ['compare', '-f', spec.srcFormat, '-F', spec.outFormat, spec.src, output];
    const compared = await runProcess(job.qemuImg, args, { timeoutSeconds: 3600 });
    if (compared.exitCode !== 0 && compared.exitCode !== 1) return { ...lostAll, output: 'unreadable' };
    // A raw output's bytes are read from the backing folder: after a remount the mount shows exactly those.
    const raw = spec.outFormat === 'raw' ? join(again.backing, job.outputName) : await asRaw(job, output, spec);
    if (raw === null) return { ...lostAll, output: 'unreadable' };
    const diff = await differingBytes(job.qemuImg, job.reference, raw, job.virtualSize);
    const intact = compared.exitCode === 0;
    if (intact !== (diff.bytes === 0)) {
      throw new Error(`qemu-img compare (exit ${compared.exitCode}) and the byte count (${diff.bytes}) disagree`);
    }
    const state = intact ? 'intact' : 'lost';
    return { state, output: 'present', differingBytes: diff.bytes, firstDifferenceOffset: diff.first };
  } finally {
    await again.cut();
  }
}

/** A non-raw output's guest data as raw (in the scratch folder), or null when qemu-img cannot read it. */
async function asRaw(job: PowerCutJob, path: string, spec: ConvertSpec): Promise<string | null> {
  const raw = join(job.folder, 'recovered.raw');
  const result = await runProcess(job.qemuImg, ['convert', '-f', spec.outFormat, '-O', 'raw', path, raw], {
    timeoutSeconds: 3600,
  });
  return result.ok ? raw : null;
}

const CHUNK = 1 << 20;

/**
 * Bytes that differ between two raw files over `size` bytes (a byte past a file's end reads as zero), and the first
 * differing offset; only the ranges where either file holds data are read.
 */
export async function differingBytes(
  qemuImg: string,
  a: string,
  b: string,
  size: number,
): Promise<{ bytes: number; first: number | null }> {
  const ranges = mergeRanges(
    [...((await rawDataExtents(qemuImg, a)) ?? [{ start: 0, length: size }])].concat(
      (await rawDataExtents(qemuImg, b)) ?? [{ start: 0, length: size }],
    ),
    size,
  );
  const fa = openSync(a, 'r');
  const fb = openSync(b, 'r');
  const ba = Buffer.alloc(CHUNK);
  const bb = Buffer.alloc(CHUNK);
  let bytes = 0;
  let first: number | null = null;
  try {
    for (const { start, end } of ranges) {
      for (let pos = start; pos < end; pos += CHUNK) {
        const len = Math.min(CHUNK, end - pos);
        readFull(fa, ba, len, pos);
        readFull(fb, bb, len, pos);
        if (ba.subarray(0, len).equals(bb.subarray(0, len))) continue;
        for (let i = 0; i < len; i++) {
          if (ba[i] === bb[i]) continue;
          bytes++;
          first ??= pos + i;
        }
      }
    }
  } finally {
    closeSync(fa);
    closeSync(fb);
  }
  return { bytes, first };
}

/** Reads `len` bytes at `pos` into `buf`, zeros past the end of the file. */
function readFull(fd: number, buf: Buffer, len: number, pos: number): void {
  let got = 0;
  while (got < len) {
    const n = readSync(fd, buf, got, len - got, pos + got);
    if (n === 0) break;
    got += n;
  }
  buf.fill(0, got, len);
}

/** Sorted, merged [start, end) ranges clipped to `size`. */
export function mergeRanges(extents: { start: number; length: number }[], size: number) {
  const sorted = extents
    .map((e) => ({ start: e.start, end: Math.min(e.start + e.length, size) }))
    .filter((r) => r.end > r.start)
    .sort((x, y) => x.start - y.start);
  const merged: { start: number; end: number }[] = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}
