// Flush-latency probe of a target dir: fdatasync latency after writes that extend a fresh file, of 4 KiB, 2 MiB and the
// mean size of qemu-img's own writes (fio when installed, else built in).
import { closeSync, fdatasyncSync, openSync, writeSync } from 'node:fs';
import { FioJsonSchema } from '../model/external-json.ts';
import { median, quantile } from '../model/quantile.ts';
import type { FlushProbe } from '../model/results.ts';
import { runProcess } from '../system/spawn.ts';
import { removeOutputFile } from '../system/target.ts';

/** Latency figures of one probe size. */
export type ProbeFigures = NonNullable<FlushProbe['small']>;

const SMALL = 4096;
const LARGE = 2 * 1024 * 1024;

function figures(bytes: number, latenciesMs: number[]): ProbeFigures {
  return { bytes, medianMs: median(latenciesMs), p99Ms: quantile(latenciesMs, 0.99), count: latenciesMs.length };
}

/** Built-in probe: write `bytes` at the end of a fresh file then fdatasync, until `count` or `budgetMs` is reached. */
export function probeBuiltIn(file: string, bytes: number, count: number, budgetMs: number): ProbeFigures {
  const buffer = Buffer.alloc(bytes, 0xa5);
  const fd = openSync(file, 'w');
  const latencies: number[] = [];
  const started = performance.now();
  try {
    for (let i = 0; i < count && performance.now() - started < budgetMs; i++) {
      writeSync(fd, buffer, 0, bytes, i * bytes);
      const t0 = process.hrtime.bigint();
      fdatasyncSync(fd);
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  } finally {
    closeSync(fd);
    removeOutputFile(file);
  }
  return figures(bytes, latencies);
}

/** fio probe: sequential writes of `bytes` with fdatasync after each; null when fio is missing or fails. */
export async function probeFio(file: string, bytes: number, count: number): Promise<ProbeFigures | null> {
  const result = await runProcess(
    'fio',
    [
      '--name=qcb-flush-probe',
      `--filename=${file}`,
      '--rw=write',
      `--bs=${bytes}`,
      `--size=${bytes * count}`,
      '--fdatasync=1',
      '--ioengine=psync',
      '--output-format=json',
      '--percentile_list=50:99',
    ],
    { captureStdout: true, timeoutSeconds: 120 },
  );
  removeOutputFile(file);
  if (!result.ok) return null;
  try {
    const parsed = FioJsonSchema.safeParse(JSON.parse(result.stdout.slice(result.stdout.indexOf('{'))));
    if (!parsed.success) return null;
    const job = parsed.data.jobs[0] as (typeof parsed.data.jobs)[number];
    const lat = job.sync.lat_ns;
    return {
      bytes,
      medianMs: lat.percentile['50.000000'] / 1e6,
      p99Ms: lat.percentile['99.000000'] / 1e6,
      count: lat.N ?? job.sync.total_ios ?? count,
    };
  } catch {
    return null;
  }
}

/** Writes per probe of qemu-img's write size: enough for a stable median, a second or so on fast storage. */
const SHAPED_COUNT = 500;

/** fio's block size must be a multiple of 512 bytes: the mean write size rounded to one. */
export function shapedBytes(meanWriteBytes: number): number {
  return Math.max(512, Math.round(meanWriteBytes / 512) * 512);
}

/**
 * Probes the storage of `file` (a fresh file in the work folder, or a block-device target itself, written from its
 * start): fio when it runs, else the built-in loop. `meanWriteBytes` (from the flush audit) adds a probe shaped like
 * qemu-img's writethrough writes.
 */
export async function probeFlushLatency(
  caseId: string,
  targetDir: string,
  file: string,
  emulatedMs: number | null,
  meanWriteBytes: number | null,
): Promise<FlushProbe> {
  const bytes = meanWriteBytes === null ? null : shapedBytes(meanWriteBytes);
  const fioSmall = await probeFio(file, SMALL, 200);
  if (fioSmall) {
    const large = await probeFio(file, LARGE, 16);
    const shaped = bytes === null ? null : await probeFio(file, bytes, SHAPED_COUNT);
    return { caseId, targetDir, tool: 'fio', small: fioSmall, large, shaped, emulatedMs };
  }
  const small = probeBuiltIn(file, SMALL, 200, 3000);
  const large = probeBuiltIn(file, LARGE, 16, 5000);
  const shaped = bytes === null ? null : probeBuiltIn(file, bytes, SHAPED_COUNT, 10_000);
  return {
    caseId,
    targetDir,
    tool: 'built-in (write + fdatasync, fio not installed)',
    small,
    large,
    shaped,
    emulatedMs,
  };
}
