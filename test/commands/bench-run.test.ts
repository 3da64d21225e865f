// Adaptive sampling between rounds: precision, minimum runs, the time budget, and why sampling stopped.
import { describe, expect, it } from 'vitest';
import { adaptiveSampler } from '../../src/commands/bench-run.ts';
import type { ResolvedConfig } from '../../src/config/resolve.ts';
import type { Results } from '../../src/model/results.ts';

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
    const ended = sampler.ended({ complete: true, interrupted: false, stopped: false, measured: 4, rounds: 2 });
    expect(ended).toMatchObject({
      stoppedBy: 'precision',
      rounds: 2,
      reason: "every speedup's 95% interval within +-10.0% after 2 runs",
    });
    expect(ended.widestHalfWidth).toBeCloseTo(0.05, 12);
  });
  it('stops before a round that would pass the budget, and says so', () => {
    let now = 0;
    const sampler = adaptiveSampler(config, withSpeedup(1, 3), () => now);
    now = 40_000;
    expect(sampler.continueAfter(1)).toBe(true);
    now = 80_000; // 80 s + 40 s for the next round > 100 s
    expect(sampler.continueAfter(2)).toBe(false);
    const ended = sampler.ended({ complete: true, interrupted: false, stopped: false, measured: 4, rounds: 2 });
    expect(ended.stoppedBy).toBe('budget');
    expect(ended.reason).toBe(
      'another round (about 40 s) would pass the 100 s budget (80 s spent); widest speedup interval +-50.0% after 2 runs',
    );
  });
  it('reports --max-runs when the plan ran out first, and a fixed count with --runs', () => {
    const sampler = adaptiveSampler(config, withSpeedup(1, 3), () => 0);
    expect(
      sampler.ended({ complete: true, interrupted: false, stopped: false, measured: 20, rounds: 10 }).stoppedBy,
    ).toBe('max-runs');
    const fixed = adaptiveSampler({ ...config, adaptive: null, runs: 3 }, withSpeedup(1, 3), () => 0);
    expect(fixed.continueAfter(1)).toBe(true);
    expect(fixed.ended({ complete: true, interrupted: false, stopped: false, measured: 6, rounds: 3 })).toMatchObject({
      stoppedBy: 'runs',
      reason: 'a fixed count of 3 runs (--runs)',
    });
  });
});
