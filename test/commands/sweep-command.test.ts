// The flush sweep on a small image with three latencies: speedup rises with latency; points that do not fit the budget are skipped.
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseLatencies } from '../../src/commands/sweep-command.ts';
import { estimatePointSeconds, predictSpeedup, sweepLatencies } from '../../src/commands/sweep-run.ts';
import type { SweepReason, SweepResults } from '../../src/model/results.ts';
import { sweepReasonText } from '../../src/report/sweep-report.ts';
import { runCli } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'qcb-sweep-'));

describe('sweep', () => {
  it('parses latencies and estimates a point from its flush count', () => {
    expect(parseLatencies('0,0.5ms,2')).toEqual([0, 0.5, 2]);
    expect(() => parseLatencies('fast')).toThrow(/'fast' is not a latency/);
    const native = { writethroughSeconds: 1.5, writebackSeconds: 1, flushes: 1000, writebackFlushes: 1 };
    expect(estimatePointSeconds(3, native, 10)).toBeCloseTo(3 * (1 + 1.5 + 10) * 1.2 + 5, 6);
  });

  it('predicts each point from the 0 ms point alone, adding 0 ms when it was not asked for', () => {
    expect(sweepLatencies([2, 5])).toEqual([0, 2, 5]);
    expect(sweepLatencies([5, 0, 2])).toEqual([0, 2, 5]);
    const native = { writethroughSeconds: 4, writebackSeconds: 2, flushes: 3000, writebackFlushes: 1 };
    // (4 s + 3000 x 0.002 s) / (2 s + 1 x 0.002 s) = 10 / 2.002
    expect(predictSpeedup(native, 2)).toBeCloseTo(10 / 2.002, 9);
    expect(predictSpeedup(native, 0)).toBe(2);
  });

  it('runs writeback vs writethrough at 0, 2 and 8 ms and charts the speedup', async () => {
    const target = join(work, 'target');
    mkdirSync(target);
    const out = join(work, 'sweep');
    const r = await runCli(
      [
        'sweep',
        '--image-size',
        '128M',
        '--image-data',
        '24M',
        '--latencies',
        '0,2,8',
        '--runs',
        '2',
        '--target-dir',
        target,
        '--out',
        out,
        '--quiet',
      ],
      { env: { QCB_CACHE_DIR: join(work, 'cache') } },
    );
    expect(r.code, r.stderr).toBe(0);
    const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepResults;
    expect(sweep.points.map((p) => p.state)).toEqual(['measured', 'measured', 'measured']);
    const [p0, p2, p8] = sweep.points.map((p) => p.speedup?.ratio ?? 0);
    expect(p2).toBeGreaterThan(p0 as number);
    expect(p8).toBeGreaterThan(p2 as number);
    expect(sweep.flushes).toBeGreaterThan(100);
    for (const f of ['sweep.md', 'sweep.txt', 'sweep.png', 'point-2ms/results.json', 'point-2ms/report.md'])
      expect(existsSync(join(out, f)), f).toBe(true);
    expect(readFileSync(join(out, 'sweep.md'), 'utf8')).toMatch(/EMULATED FLUSH LATENCY/);
    expect(JSON.parse(readFileSync(join(out, 'point-2ms/results.json'), 'utf8')).config.emulateFlushLatencyMs).toBe(2);
  }, 300_000);

  it('skips with a note the points that would not fit the budget', async () => {
    const out = join(work, 'sweep-budget');
    const r = await runCli(
      [
        'sweep',
        '--image-size',
        '128M',
        '--image-data',
        '24M',
        '--latencies',
        '0,1000',
        '--runs',
        '1',
        '--budget',
        '20s',
        '--target-dir',
        work,
        '--out',
        out,
        '--quiet',
        '--no-flush-probe',
      ],
      { env: { QCB_CACHE_DIR: join(work, 'cache') } },
    );
    expect(r.code, r.stderr).toBe(0);
    const sweep = JSON.parse(readFileSync(join(out, 'sweep.json'), 'utf8')) as SweepResults;
    expect(sweep.points[1]?.state).toBe('skipped');
    expect(sweep.schemaVersion).toBe(2);
    expect(sweep.points[1]?.reason).toMatchObject({ code: 'over-budget', runs: 1, budgetSeconds: 20 });
    const reason = sweep.points[1]?.reason as SweepReason;
    expect(sweepReasonText(reason, 5)).toMatch(/would not fit the \d+ s left of the 20 s budget/);
    expect(readFileSync(join(out, 'sweep.md'), 'utf8')).toContain(
      sweepReasonText(reason, sweep.points[1]?.latencyMs ?? 0),
    );
  }, 300_000);
});
