// The flush sweep on a small image with three latencies: speedup rises with latency; points that do not fit the budget are skipped.
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLatencies } from '../../src/commands/sweep.ts';
import { estimatePointSeconds, type SweepResults } from '../../src/run/sweep.ts';
import { runCli } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'qcb-sweep-'));

describe('sweep', () => {
  it('parses latencies and estimates a point from its flush count', () => {
    expect(parseLatencies('0,0.5ms,2')).toEqual([0, 0.5, 2]);
    expect(() => parseLatencies('fast')).toThrow(/'fast' is not a latency/);
    expect(estimatePointSeconds(3, 1, 1.5, 1000, 10)).toBeCloseTo(3 * (1 + 1.5 + 10) * 1.2 + 5, 6);
  });

  it('runs writeback vs writethrough at 0, 2 and 8 ms and charts the speedup', async () => {
    const target = join(work, 'target');
    mkdirSync(target);
    const out = join(work, 'sweep');
    const r = await runCli(['sweep', '--image-size', '128M', '--image-data', '24M', '--latencies', '0,2,8', '--runs', '2', '--target-dir', target, '--out', out, '--quiet'], { env: { QCB_CACHE_DIR: join(work, 'cache') } });
    expect(r.code, r.stderr).toBe(0);
    const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepResults;
    expect(sweep.points.map((p) => p.state)).toEqual(['measured', 'measured', 'measured']);
    const [p0, p2, p8] = sweep.points.map((p) => p.speedup?.ratio ?? 0);
    expect(p2).toBeGreaterThan(p0 as number);
    expect(p8).toBeGreaterThan(p2 as number);
    expect(sweep.flushes).toBeGreaterThan(100);
    for (const f of ['sweep.md', 'sweep.txt', 'sweep.png', 'point-2ms/results.json', 'point-2ms/report.md']) expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, 'sweep.md'), 'utf8')).toMatch(/EMULATED FLUSH LATENCY/);
    expect(JSON.parse(readFileSync(join(out, 'point-2ms/results.json'), 'utf8')).config.emulateFlushLatencyMs).toBe(2);
  }, 300_000);

  it('skips with a note the points that would not fit the budget', async () => {
    const out = join(work, 'sweep-budget');
    const r = await runCli(['sweep', '--image-size', '128M', '--image-data', '24M', '--latencies', '0,1000', '--runs', '1', '--budget', '20s', '--target-dir', work, '--out', out, '--quiet', '--no-flush-probe'], { env: { QCB_CACHE_DIR: join(work, 'cache') } });
    expect(r.code, r.stderr).toBe(0);
    const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepResults;
    expect(sweep.points[1]?.state).toBe('skipped');
    expect(sweep.points[1]?.note).toMatch(/would not fit the \d+ s left of the 20 s budget/);
  }, 300_000);
});
