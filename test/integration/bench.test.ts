// The product working end to end: real qemu-img converting a generated image under four cache modes.
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadResults } from '../../src/commands/results-file.ts';
import type { Results } from '../../src/model/results.ts';
import { IS_ROOT, runCli } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'qcb-int-'));
const target = join(work, 'target');
const out = join(work, 'out');
const env = { QCB_CACHE_DIR: join(work, 'cache') };
let results: Results;
let run: Awaited<ReturnType<typeof runCli>>;

beforeAll(async () => {
  await import('node:fs').then((fs) => fs.mkdirSync(target));
  run = await runCli(
    [
      'bench',
      '--image-size',
      '256M',
      '--image-data',
      '32M',
      '--runs',
      '3',
      '--seed',
      '7',
      '--target-dir',
      target,
      '--out',
      out,
      '--verify',
      '--flush-audit',
      '--quiet',
    ],
    { env },
  );
  results = loadResults(join(out, 'results.json'));
}, 600_000);

describe('npm run bench on a small generated image (real qemu-img)', () => {
  it('exits 0 and writes results.json and results.csv', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(existsSync(join(out, 'results.csv'))).toBe(true);
    expect(readFileSync(join(out, 'results.csv'), 'utf8').trim().split('\n')).toHaveLength(13);
  });

  it('records 4 modes x 3 runs with real, user, sys and time to durable', () => {
    expect(results.complete).toBe(true);
    const measured = results.samples.filter((s) => !s.warmup);
    expect(measured).toHaveLength(12);
    for (const mode of ['writethrough', 'writeback', 'none', 'unsafe']) {
      const ofMode = measured.filter((s) => s.mode === mode);
      expect(ofMode.map((s) => s.run).sort()).toEqual([1, 2, 3]);
      for (const s of ofMode) {
        expect(s.state).toBe('ok');
        expect(s.real).toBeGreaterThan(0);
        expect(s.user + s.sys).toBeGreaterThan(0);
        expect(s.durable).toBeCloseTo(s.real + s.sync, 5);
        expect(s.cacheDrop).toBe(IS_ROOT ? 'drop_caches' : 'fadvise');
      }
    }
  });

  it('summarises each mode with a speedup and CI against writethrough', () => {
    const modes = results.summary.cases[0]?.modes ?? [];
    expect(modes.map((m) => m.state)).toEqual(['measured', 'measured', 'measured', 'measured']);
    for (const m of modes.filter((x) => x.mode !== 'writethrough')) {
      expect(m.speedup?.ratio).toBeGreaterThan(0);
      expect(m.speedup?.ciLow).toBeLessThanOrEqual(m.speedup?.ratio as number);
    }
  });

  it('produced output equal to the source in every mode (qemu-img compare)', () => {
    const firsts = results.samples.filter((s) => s.run === 1 && !s.warmup);
    expect(firsts).toHaveLength(4);
    for (const s of firsts) expect(s.verified, s.mode).toBe(true);
  });

  it('leaves nothing in the target dir', () => {
    expect(readdirSync(target)).toEqual([]);
  });

  it('records host, storage and image facts', () => {
    expect(results.host).toMatchObject({ cpuCount: expect.any(Number), kernel: expect.any(String) });
    expect(results.cases[0]?.storage).toMatchObject({ fsType: expect.any(String) });
    expect(results.cases[0]?.qemuImgVersion).toMatch(/^\d+\.\d+/);
    expect(results.image).toMatchObject({ format: 'qcow2', virtualSize: 256 * 1024 ** 2, compressionType: 'zlib' });
    expect(results.image.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('with --flush-audit, audits flushes per mode: one per write under writethrough, one under writeback and none, none under unsafe', () => {
    const audit = Object.fromEntries(results.flushAudit.map((a) => [a.mode, a]));
    const writes = audit.writethrough?.writes as number;
    expect(writes).toBeGreaterThan(100);
    expect(audit.writethrough?.fdatasync).toBeGreaterThanOrEqual(writes - 1);
    expect(audit.writeback?.fdatasync).toBe(1);
    expect(audit.none?.fdatasync).toBe(1);
    expect(audit.none?.openFlags).toContain('O_DIRECT');
    expect(audit.unsafe?.fdatasync).toBe(0);
    expect(audit.unsafe?.fsync).toBe(0);
  });

  it('probes the flush latency of the target', () => {
    expect(results.flushProbe[0]?.small?.medianMs).toBeGreaterThan(0);
  });
});

describe('a first run on a host: no strace audit unless asked; asked, it waits until after the measured runs', () => {
  it('by default the flush meter alone counts: no audit, no note of one, the counts from the timed runs', async () => {
    const dir = join(work, 'no-audit');
    const argv = ['bench', '--image-size', '64M', '--image-data', '8M', '--modes', 'writethrough,writeback,unsafe'];
    const r = await runCli([...argv, '--runs', '2', '--target-dir', target, '--out', dir, '--quiet'], {
      env: { QCB_CACHE_DIR: join(work, 'cache-no-audit') },
    });
    expect(r.code, r.stderr).toBe(0);
    const res = loadResults(join(dir, 'results.json'));
    expect(res.flushAudit).toEqual([]);
    expect(res.notMeasured.map((n) => n.code)).not.toContain('flush-audit-deferred');
    const calls = (mode: string) => res.samples.filter((s) => s.mode === mode).map((s) => s.flushes?.calls);
    expect([calls('writeback'), calls('unsafe')]).toEqual([
      [1, 1],
      [0, 0],
    ]);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toMatch(
      /\| write requests per conversion \| \d+ \(flush meter, median of the timed runs; /,
    );
  }, 300_000);
  it('with no budget left it is deferred (said), the probe takes its write size from the flush meter', async () => {
    const first = join(work, 'first-run');
    const cache = { QCB_CACHE_DIR: join(work, 'cache-first') };
    const argv = ['bench', '--image-size', '64M', '--image-data', '8M', '--modes', 'writethrough,writeback'];
    argv.push('--flush-audit');
    const budget = ['--min-runs', '3', '--max-runs', '3', '--budget', '1s', '--seed', '3'];
    const r = await runCli([...argv, ...budget, '--target-dir', target, '--out', first, '--quiet'], { env: cache });
    expect(r.code, r.stderr).toBe(0);
    const res = loadResults(join(first, 'results.json'));
    expect(res.samples.filter((s) => s.state === 'ok')).toHaveLength(6);
    expect(res.flushAudit).toEqual([]);
    expect(res.notMeasured).toContainEqual({
      code: 'flush-audit-deferred',
      cells: ['default writethrough', 'default writeback'],
    });
    // The shaped probe writes what writethrough wrote per flush in the timed runs (rounded to 512 bytes).
    const wt = res.samples.filter((s) => s.mode === 'writethrough').map((s) => s.flushes);
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[1] as number;
    const perFlush = median(wt.map((f) => f?.writeBytes ?? 0)) / median(wt.map((f) => f?.calls ?? 0));
    expect(res.flushProbe[0]?.shaped?.bytes).toBe(Math.max(512, Math.round(perFlush / 512) * 512));
    // With runs fixed (no budget) the audit runs after them, is counted once and cached: the next run reads it first.
    const fixed = join(work, 'first-run-fixed');
    const f = await runCli([...argv, '--runs', '1', '--target-dir', target, '--out', fixed, '--quiet'], { env: cache });
    expect(f.code, f.stderr).toBe(0);
    const audits = loadResults(join(fixed, 'results.json')).flushAudit;
    expect(audits.map((a) => [a.mode, a.fromCache])).toEqual([
      ['writethrough', false],
      ['writeback', false],
    ]);
    expect(audits.find((a) => a.mode === 'writeback')?.fdatasync).toBe(1);
  }, 300_000);
});
