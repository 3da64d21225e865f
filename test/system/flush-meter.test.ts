// The flush meter against strace on the same conversion (real qemu-img): the same flush and write counts, the time
// inside the flushes at least strace -T's sum and at most that plus strace's own cost per call (measured on the spot),
// and the bytes unflushed at exit: none for writeback, all for unsafe.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureInterposer } from '../../src/flush/interposer.ts';
import { ensureDefaultImage } from '../../src/image/builtin-image.ts';
import { meterEnv, parseMeter, takeMeter } from '../../src/system/flush-meter.ts';

const work = mkdtempSync(join(tmpdir(), 'qcb-meter-'));
let library = '';
let image = '';

beforeAll(async () => {
  library = await ensureInterposer(join(work, 'cache'));
  const params = { virtualSize: 64 * 1024 ** 2, dataSize: 8 * 1024 ** 2, clusterSize: 65536, seed: 1818847 };
  image = (await ensureDefaultImage('qemu-img', params, join(work, 'images'))).path;
}, 300_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * What strace costs one traced system call, in seconds, measured now (the load the conversion sees): the meter's clock
 * wraps the syscall-entry and -exit stops that strace -T leaves out (~50 us here idle, ~100 us under the suite's load).
 * The slowest of three rounds of 2,000 getppid calls, traced against untraced.
 */
async function straceSecondsPerCall(): Promise<number> {
  const loop =
    'import os,time\nt=time.perf_counter_ns()\nfor _ in range(2000): os.getppid()\nprint((time.perf_counter_ns()-t)/2000/1e9)';
  const perCall = async (traced: boolean) => {
    const argv = ['/usr/bin/python3', '-c', loop];
    const run = traced
      ? await execa('strace', ['-f', '-e', 'trace=getppid', '-o', '/dev/null', ...argv])
      : await execa(argv[0] as string, argv.slice(1));
    return Number(run.stdout);
  };
  const rounds: number[] = [];
  for (let i = 0; i < 3; i++) rounds.push((await perCall(true)) - (await perCall(false)));
  return Math.max(...rounds);
}

/** Converts under strace -f -T with the meter loaded into qemu-img only; returns the meter's figures and strace's. */
async function convertTraced(mode: string) {
  const out = join(work, `out-${mode}.raw`);
  const meterFile = join(work, `meter-${mode}.txt`);
  const log = join(work, `strace-${mode}.log`);
  rmSync(out, { force: true });
  const calls = 'trace=fsync,fdatasync,write,pwrite64,pwritev,pwritev2';
  // strace -E: the meter goes into qemu-img, not into strace itself
  const meter = Object.entries(meterEnv(library, meterFile)).flatMap(([k, v]) => ['-E', `${k}=${v}`]);
  const convert = ['qemu-img', 'convert', '-t', mode, '-f', 'qcow2', '-O', 'raw', image, out];
  await execa('strace', ['-f', '-T', '-e', calls, ...meter, '-o', log, ...convert]);
  const lines = readFileSync(log, 'utf8').split('\n');
  const isFlush = (l: string) => /\b(fsync|fdatasync)\(/.test(l) && !l.includes('resumed>');
  const seconds = (l: string) => Number(/<([\d.]+)>$/.exec(l)?.[1] ?? 0);
  const resumed = (l: string) => /<\.\.\. f(data)?sync resumed>/.test(l);
  return {
    meter: takeMeter(meterFile),
    flushes: lines.filter(isFlush).length,
    flushSeconds: lines.filter((l) => isFlush(l) || resumed(l)).reduce((sum, l) => sum + seconds(l), 0),
    writes: lines.filter((l) => /\bpwrite(64|v|v2)\(/.test(l) && !l.includes('resumed>')).length,
  };
}

describe('the flush meter (real qemu-img, against strace)', () => {
  it("counts the flushes and writes strace sees, and their time as strace -T plus strace's own cost per call", async () => {
    const perCall = await straceSecondsPerCall();
    const t = await convertTraced('writethrough');
    expect(t.meter).not.toBeNull();
    expect(t.meter?.calls).toBe(t.flushes);
    expect(t.flushes).toBeGreaterThan(10);
    expect(t.meter?.writeCalls).toBe(t.writes);
    // at least what strace saw inside the calls (1 us of rounding per call); at most that, 5%, and two of strace's
    // stops per call (a meter counting each flush twice, or in the wrong unit, is far outside: 85 flushes of ~0.45 ms)
    expect(t.meter?.waitSeconds).toBeGreaterThanOrEqual(t.flushSeconds - t.flushes * 1e-6);
    expect(t.meter?.waitSeconds).toBeLessThan(t.flushSeconds * 1.05 + t.flushes * 2 * perCall);
    expect(t.meter?.unflushedBytes).toBe(0);
  }, 120_000);
  it('leaves nothing unflushed under writeback and every written byte under unsafe', async () => {
    const writeback = await convertTraced('writeback');
    expect(writeback.meter?.calls).toBe(1);
    expect(writeback.meter?.unflushedBytes).toBe(0);
    const unsafe = await convertTraced('unsafe');
    expect(unsafe.meter?.calls).toBe(0);
    expect(unsafe.meter?.writeBytes).toBeGreaterThan(1024 ** 2);
    expect(unsafe.meter?.unflushedBytes).toBe(unsafe.meter?.writeBytes);
  }, 120_000);
  it('reads its line, and nothing from what is not one', () => {
    const line =
      'calls 3 wait_ns 1500000 in_flight_ns 1200000 median_us 450 p99_us 900 write_calls 7 write_bytes 4096 unflushed_bytes 0';
    expect(parseMeter(line)).toEqual({
      calls: 3,
      waitSeconds: 0.0015,
      inFlightSeconds: 0.0012,
      medianMs: 0.45,
      p99Ms: 0.9,
      writeCalls: 7,
      writeBytes: 4096,
      unflushedBytes: 0,
    });
    expect(parseMeter('fsync 1 fdatasync 2')).toBeNull();
  });
});
