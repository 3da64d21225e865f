// Adaptive sampling between rounds: precision, minimum runs, the time budget, and why sampling stopped.
import { describe, expect, it } from 'vitest';
import { ratioInterval } from '../../src/analyze/stats.ts';
import { adaptiveSampler, precisionTarget, stopReason } from '../../src/commands/adaptive-sampling.ts';
import type { ResolvedConfig } from '../../src/config/resolve.ts';
import type { Results, Sample } from '../../src/model/results.ts';
import { samplingText } from '../../src/report/finding-text.ts';

const adaptive = { precision: 0.1, minRuns: 2, maxRuns: 10, budgetSeconds: 100 };
const config = { adaptive, warmup: 0, runs: 10 } as unknown as ResolvedConfig;

/** Results whose one speedup has the given interval. */
function withSpeedup(ciLow: number, ciHigh: number): Results {
  const speedup = { ratio: 2, ciLow, ciHigh, method: 'test' };
  const modes = [
    { mode: 'writethrough', state: 'measured', speedup: null },
    { mode: 'writeback', state: 'measured', speedup },
  ];
  return { summary: { baseline: 'writethrough', cases: [{ caseId: 'default', modes }] } } as unknown as Results;
}

describe('adaptiveSampler', () => {
  it('stops when every speedup is within the precision, not before --min-runs', () => {
    let now = 0;
    const sampler = adaptiveSampler(config, withSpeedup(1.9, 2.1), () => now);
    now = 30_000;
    expect(sampler.continueAfter(1)).toBe(true); // below --min-runs 2
    now = 60_000;
    expect(sampler.continueAfter(2)).toBe(false); // half-width 0.1 / 2 = 5%
    const ended = sampler.ended({ state: 'complete', measured: 4, rounds: 2 });
    expect(ended).toMatchObject({ stoppedBy: 'precision', target: 'speedup', rounds: 2 });
    expect(samplingText({ config, sampling: ended } as unknown as Results)).toBe(
      "every speedup's 95% interval within +-10.0% after 2 runs",
    );
    expect(ended.widestHalfWidth).toBeCloseTo(0.05, 12);
  });
  it('stops before a round that would pass the budget, and says so', () => {
    let now = 0;
    const sampler = adaptiveSampler(config, withSpeedup(1, 3), () => now);
    now = 40_000;
    expect(sampler.continueAfter(1)).toBe(true);
    now = 80_000; // 80 s + 40 s for the next round > 100 s
    expect(sampler.continueAfter(2)).toBe(false);
    const ended = sampler.ended({ state: 'complete', measured: 4, rounds: 2 });
    expect(ended).toEqual({
      stoppedBy: 'budget',
      target: 'speedup',
      spentSeconds: 80,
      roundSeconds: 40,
      rounds: 2,
      widestHalfWidth: ended.widestHalfWidth,
    });
    expect(samplingText({ config, sampling: ended } as unknown as Results)).toBe(
      'another round (about 40 s) would pass the 100 s budget (80 s spent); widest speedup interval +-50.0% after 2 runs',
    );
  });
  it('reports --max-runs when the plan ran out first, and a fixed count with --runs', () => {
    const sampler = adaptiveSampler(config, withSpeedup(1, 3), () => 0);
    expect(sampler.ended({ state: 'complete', measured: 20, rounds: 10 }).stoppedBy).toBe('max-runs');
    const fixed = adaptiveSampler({ ...config, adaptive: null, runs: 3 }, withSpeedup(1, 3), () => 0);
    expect(fixed.continueAfter(1)).toBe(true);
    const ended = fixed.ended({ state: 'complete', measured: 6, rounds: 3 });
    expect(ended).toMatchObject({ stoppedBy: 'runs', rounds: 3 });
    const results = { config: { ...config, adaptive: null, runs: 3 }, sampling: ended } as unknown as Results;
    expect(samplingText(results)).toBe('a fixed count of 3 runs (--runs)');
  });
});

describe('adaptive sampling without a baseline', () => {
  /** A run of writeback and none only: no speedups, one margin (none / writeback) with the given durable times. */
  function noBaseline(writeback: number[], none: number[]): Results {
    const sample = (mode: string, durable: number, i: number) =>
      ({ caseId: 'default', mode, run: i + 1, warmup: false, state: 'ok', durable }) as unknown as Sample;
    const samples = [
      ...writeback.map((d, i) => sample('writeback', d, i)),
      ...none.map((d, i) => sample('none', d, i)),
    ];
    const durable = (xs: number[]) => ({ median: [...xs].sort((a, b) => a - b)[xs.length >> 1] });
    const modes = [
      { mode: 'writeback', state: 'measured', speedup: null, durable: durable(writeback) },
      { mode: 'none', state: 'measured', speedup: null, durable: durable(none) },
    ];
    return {
      cases: [{ id: 'default', targetKind: 'dir', storage: { path: '/t', fsType: 'ext4' } }],
      samples,
      summary: { baseline: null, cases: [{ caseId: 'default', modes }] },
    } as unknown as Results;
  }

  it('narrows the margin between the fastest durable modes instead of stopping at --min-runs', () => {
    const wide = noBaseline([5, 6, 7], [6, 7.5, 9]);
    const target = precisionTarget(wide);
    expect(target?.what).toBe('margin');
    // the Welch interval of none / writeback on log times, computed by the statistics module
    const r = ratioInterval([6, 7.5, 9], [5, 6, 7]);
    expect(target?.widest).toBeCloseTo(((r?.ciHigh as number) - (r?.ciLow as number)) / 2 / (r?.ratio as number), 12);
    const sampler = adaptiveSampler(config, wide, () => 0);
    expect(sampler.continueAfter(3)).toBe(true);
    const tight = noBaseline([5, 5.01, 5.02, 5.03], [6, 6.01, 6.02, 6.03]);
    const stop = adaptiveSampler(config, tight, () => 0);
    // precise after 3 runs, but the exact p that calls a margin clear needs 4 runs a side
    expect(stop.continueAfter(3)).toBe(true);
    expect(stop.continueAfter(4)).toBe(false);
    const ended = stop.ended({ state: 'complete', measured: 8, rounds: 4 });
    expect(ended).toMatchObject({ stoppedBy: 'precision', target: 'margin', rounds: 4 });
    expect(samplingText({ config, sampling: ended } as unknown as Results)).toBe(
      "every margin's (next fastest durable mode / fastest) 95% interval within +-10.0% after 4 runs",
    );
  });
  it('stops at --min-runs only when there is no ratio at all', () => {
    const one = {
      cases: [{ id: 'default', targetKind: 'dir', storage: { path: '/t' } }],
      samples: [],
      summary: { baseline: null, cases: [{ caseId: 'default', modes: [{ mode: 'writeback', state: 'measured' }] }] },
    } as unknown as Results;
    expect(precisionTarget(one)).toBeNull();
    const stop = stopReason(adaptive, 2, null, 0, 1);
    expect(stop).toEqual({ stoppedBy: 'min-runs', target: null, spentSeconds: null, roundSeconds: null });
    const results = {
      config: { adaptive },
      sampling: { ...stop, rounds: 2, widestHalfWidth: null },
    } as unknown as Results;
    expect(samplingText(results)).toBe(
      'no ratio to narrow (one mode, no baseline and no second durable mode): stopped at --min-runs 2',
    );
  });
});
