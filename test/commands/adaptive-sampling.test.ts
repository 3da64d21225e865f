// Adaptive sampling between rounds: precision, minimum runs, the time budget, and why sampling stopped.
import { describe, expect, it } from 'vitest';
import { ratioInterval } from '../../src/analyze/stats.ts';
import { adaptiveSampler, modesToSample, precisionTarget, stopReason } from '../../src/commands/adaptive-sampling.ts';
import type { ResolvedConfig } from '../../src/config/resolve.ts';
import { DEFAULT_CONVERT_OPTIONS } from '../../src/model/qemu-img-command.ts';
import type { Results, Sample } from '../../src/model/results.ts';
import { samplingText } from '../../src/report/finding-text.ts';

const adaptive = { precision: 0.1, minRuns: 2, maxRuns: 10, budgetSeconds: 100 };
const config = { adaptive, warmup: 0, runs: 10 } as unknown as ResolvedConfig;

/** Results of writethrough and writeback runs with these wall times: one speedup, judged from the samples. */
function withRuns(writethrough: number[], writeback: number[]): Results {
  const sample = (mode: string) => (real: number, i: number) =>
    ({ caseId: 'default', mode, run: i + 1, warmup: false, state: 'ok', real }) as unknown as Sample;
  const modes = [
    { mode: 'writethrough', state: 'measured' },
    { mode: 'writeback', state: 'measured' },
  ];
  return {
    samples: [...writethrough.map(sample('writethrough')), ...writeback.map(sample('writeback'))],
    summary: { baseline: 'writethrough', cases: [{ caseId: 'default', modes }] },
  } as unknown as Results;
}
/** A speedup whose 99% interval is within +-10%: 20.0-20.2 s against 10.0-10.1 s. */
const TIGHT = withRuns([20, 20.2, 20.1], [10, 10.1, 10.05]);
/** A speedup whose 99% interval is wide. */
const WIDE = withRuns([10, 30, 20], [10, 12, 11]);

describe('adaptiveSampler', () => {
  it('stops when every speedup is within the precision, not before --min-runs', () => {
    let now = 0;
    const sampler = adaptiveSampler(config, TIGHT, () => now);
    now = 30_000;
    expect(sampler.continueAfter(1)).toBe(true); // below --min-runs 2
    now = 60_000;
    expect(sampler.continueAfter(2)).toBe(false); // the 99% half-width is about 2%
    const ended = sampler.ended({ state: 'complete', measured: 4, rounds: 2 });
    expect(ended).toMatchObject({ stoppedBy: 'precision', target: 'speedup', rounds: 2 });
    expect(samplingText({ config, sampling: ended } as unknown as Results)).toBe(
      "every speedup's 99% interval within ±10.0% after 2 runs",
    );
    // SciPy 1.17, 99% Welch interval of log([20, 20.2, 20.1]) - log([10, 10.1, 10.05]): half-width share 0.018704
    expect(ended.widestHalfWidth).toBeCloseTo(0.01870388945135998, 8);
  });
  it('stops before a round that would pass the budget, and says so', () => {
    let now = 0;
    const sampler = adaptiveSampler(config, WIDE, () => now);
    now = 40_000;
    expect(sampler.continueAfter(1)).toBe(true);
    now = 80_000; // 80 s + 40 s for the next round > 100 s
    expect(sampler.continueAfter(2)).toBe(false);
    const ended = sampler.ended({ state: 'complete', measured: 4, rounds: 2 });
    expect(ended).toEqual({
      stoppedBy: 'budget',
      target: 'speedup',
      judgedAtLevel: 0.99,
      spentSeconds: 80,
      roundSeconds: 40,
      rounds: 2,
      widestHalfWidth: ended.widestHalfWidth,
    });
    expect(samplingText({ config, sampling: ended } as unknown as Results)).toMatch(
      /^another round \(about 40 s\) would pass the 100 s budget \(80 s spent\); widest speedup 99% interval ±\d+\.\d% after 2 runs$/,
    );
  });
  it('reports --max-runs when the plan ran out first, and a fixed count with --runs', () => {
    const sampler = adaptiveSampler(config, WIDE, () => 0);
    expect(sampler.ended({ state: 'complete', measured: 20, rounds: 10 }).stoppedBy).toBe('max-runs');
    const fixed = adaptiveSampler({ ...config, adaptive: null, runs: 3 }, WIDE, () => 0);
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
      { mode: 'writeback', state: 'measured', runs: writeback.length, speedup: null, durable: durable(writeback) },
      { mode: 'none', state: 'measured', runs: none.length, speedup: null, durable: durable(none) },
    ];
    return {
      image: { format: 'qcow2' },
      cases: [
        {
          id: 'default',
          targetKind: 'dir',
          storage: { path: '/t', fsType: 'ext4' },
          outputFormat: 'raw',
          srcCache: null,
          options: DEFAULT_CONVERT_OPTIONS,
        },
      ],
      samples,
      summary: { baseline: null, cases: [{ caseId: 'default', modes }] },
      durability: [],
      config: { adaptive, runs: 10 },
    } as unknown as Results;
  }

  it('narrows the margin between the fastest durable modes instead of stopping at --min-runs', () => {
    const wide = noBaseline([5, 6, 7], [6, 7.5, 9]);
    const target = precisionTarget(wide);
    expect(target?.what).toBe('margin');
    // the Welch interval of none / writeback on log times, computed by the statistics module
    const r = ratioInterval([6, 7.5, 9], [5, 6, 7], 0.99);
    expect(target?.widest).toBeCloseTo(((r?.ciHigh as number) - (r?.ciLow as number)) / 2 / (r?.ratio as number), 12);
    const sampler = adaptiveSampler(config, wide, () => 0);
    expect(sampler.continueAfter(3)).toBe(true);
    const tight = noBaseline([5, 5.01, 5.02, 5.03], [6, 6.01, 6.02, 6.03]);
    const stop = adaptiveSampler(config, tight, () => 0);
    // precise at --min-runs already: the Welch interval needs no fourth run to call a margin clear
    expect(stop.continueAfter(1)).toBe(true);
    expect(stop.continueAfter(2)).toBe(false);
    const ended = stop.ended({ state: 'complete', measured: 4, rounds: 2 });
    expect(ended).toMatchObject({ stoppedBy: 'precision', target: 'margin', rounds: 2 });
    expect(samplingText({ config, sampling: ended } as unknown as Results)).toBe(
      "every margin's (next fastest durable mode / fastest) 99% interval within ±10.0% after 2 runs",
    );
  });
  it('stops at --min-runs only when there is no ratio at all', () => {
    const one = {
      image: { format: 'qcow2' },
      cases: [{ id: 'default', targetKind: 'dir', storage: { path: '/t' } }],
      samples: [],
      summary: { baseline: null, cases: [{ caseId: 'default', modes: [{ mode: 'writeback', state: 'measured' }] }] },
      durability: [],
      config: { adaptive, runs: 10 },
    } as unknown as Results;
    expect(precisionTarget(one)).toBeNull();
    const stop = stopReason(adaptive, 2, null, 0, 1);
    expect(stop).toEqual({
      stoppedBy: 'min-runs',
      target: null,
      judgedAtLevel: 0.99,
      spentSeconds: null,
      roundSeconds: null,
    });
    const results = {
      config: { adaptive },
      sampling: { ...stop, rounds: 2, widestHalfWidth: null },
    } as unknown as Results;
    expect(samplingText(results)).toBe(
      'no ratio to narrow (one mode, no baseline and no second durable mode): stopped at --min-runs 2',
    );
  });
});

describe('modesToSample: rounds spend the budget on the ratios not yet known', () => {
  const a = { precision: 0.1, minRuns: 3, maxRuns: 10, budgetSeconds: 170 };
  const base = { mode: 'writethrough', runs: 4, share: null };
  it('leaves out a mode whose speedup is within --precision, keeps the others and the baseline', () => {
    const run = modesToSample(a, 'writethrough', [
      base,
      { mode: 'writeback', runs: 4, share: 0.13 },
      { mode: 'none', runs: 4, share: 0.06 },
      { mode: 'unsafe', runs: 4, share: 0.1 },
    ]);
    expect([...run].sort()).toEqual(['writeback', 'writethrough']);
  });
  it('keeps every mode below --min-runs, and one without an interval, whatever its share', () => {
    const run = modesToSample(a, 'writethrough', [
      { ...base, runs: 2 },
      { mode: 'writeback', runs: 2, share: 0.01 },
      { mode: 'none', runs: 4, share: null },
    ]);
    expect([...run].sort()).toEqual(['none', 'writeback', 'writethrough']);
  });
  it('runs nothing once every speedup is known (the stop rule ends sampling there)', () => {
    const run = modesToSample(a, 'writethrough', [base, { mode: 'writeback', runs: 5, share: 0.05 }]);
    expect(run.size).toBe(0);
  });
});

describe('the sampler skips cells of precise modes, once per round and case', () => {
  it('skips writeback once its speedup is within +-10% and --min-runs are done; never a warm-up', () => {
    const sampler = adaptiveSampler(config, TIGHT, () => 0);
    expect(sampler.skips({ caseId: 'default', mode: 'writeback', round: 4, warmup: false })).toBe(true);
    expect(sampler.skips({ caseId: 'default', mode: 'writethrough', round: 4, warmup: false })).toBe(true);
    expect(sampler.skips({ caseId: 'default', mode: 'writeback', round: 4, warmup: true })).toBe(false);
    const wide = adaptiveSampler(config, WIDE, () => 0);
    expect(wide.skips({ caseId: 'default', mode: 'writeback', round: 4, warmup: false })).toBe(false);
    const fixed = adaptiveSampler({ ...config, adaptive: null } as ResolvedConfig, TIGHT, () => 0);
    expect(fixed.skips({ caseId: 'default', mode: 'writeback', round: 4, warmup: false })).toBe(false);
  });
});
