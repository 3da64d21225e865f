import { describe, expect, it } from 'vitest';
import { COVERAGE_GRID, coverage } from '../../bench/coverage-simulation.ts';
import {
  describe as describeStats,
  halfWidthShare,
  mannWhitneyExact,
  NO_INTERVAL_METHOD,
  outlierIndexes,
  RATIO_METHOD,
  ratioInterval,
} from '../../src/analyze/stats.ts';

describe('describe', () => {
  it('computes exact figures', () => {
    const s = describeStats([1.5, 2.5, 2.0, 10.0]);
    expect(s).not.toBeNull();
    expect(s?.n).toBe(4);
    expect(s?.mean).toBeCloseTo(4, 10);
    expect(s?.median).toBeCloseTo(2.25, 10);
    expect(s?.min).toBe(1.5);
    expect(s?.max).toBe(10);
    expect(s?.sd).toBeCloseTo(Math.sqrt(16.1666666667), 6);
    // 95% CI of the mean: mean ± t(0.975, 3) * sd / sqrt(4)
    expect(s?.ciHigh).toBeCloseTo(4 + (3.182446305 * Math.sqrt(16.1666666667)) / 2, 4);
  });
  it('handles one value and none', () => {
    expect(describeStats([3])).toMatchObject({ n: 1, mean: 3, median: 3, sd: 0, ciLow: 3, ciHigh: 3 });
    expect(describeStats([])).toBeNull();
  });
});

describe('ratioInterval (Welch t on log times)', () => {
  it('matches a hand computation with integer degrees of freedom', () => {
    // logs 3,2,1 against 2,1,0: difference of means 1, each variance 1, se = sqrt(1/3 + 1/3), df = 4 exactly.
    const r = ratioInterval([Math.E ** 3, Math.E ** 2, Math.E], [Math.E ** 2, Math.E, 1]);
    const half = 2.7764451052 * Math.sqrt(2 / 3); // t(0.975, 4) from a printed table
    expect(r?.ratio).toBeCloseTo(Math.E, 10);
    expect(r?.ciLow).toBeCloseTo(Math.exp(1 - half), 6);
    expect(r?.ciHigh).toBeCloseTo(Math.exp(1 + half), 6);
    expect(r?.method).toBe(RATIO_METHOD);
  });
  it('uses Satterthwaite degrees of freedom when the variances differ', () => {
    // logs: a = 0, 0.2, 0.4 (var 0.04), b = 0, 0.02 (var 0.0002); df = (0.04/3 + 0.0002/2)^2 / ((0.04/3)^2/2 + (0.0002/2)^2/1)
    const a = [1, Math.exp(0.2), Math.exp(0.4)];
    const b = [1, Math.exp(0.02)];
    const va = 0.04 / 3;
    const vb = 0.0002 / 2;
    const df = (va + vb) ** 2 / (va ** 2 / 2 + vb ** 2 / 1);
    expect(df).toBeCloseTo(2.0302, 3);
    const r = ratioInterval(a, b);
    expect(r?.ratio).toBeCloseTo(Math.exp(0.2 - 0.01), 10);
    // t(0.975, 2.0302) lies between t(0.975, 2) = 4.3027 and t(0.975, 3) = 3.1824
    const t = Math.log((r?.ciHigh ?? 0) / (r?.ratio ?? 1)) / Math.sqrt(va + vb);
    expect(t).toBeGreaterThan(4.2);
    expect(t).toBeLessThan(4.3027);
  });
  it('gives no interval with fewer than two runs on a side', () => {
    expect(ratioInterval([2], [1, 1.1])).toEqual({
      ratio: 2 / Math.sqrt(1.1),
      ciLow: null,
      ciHigh: null,
      method: NO_INTERVAL_METHOD,
    });
    expect(halfWidthShare(ratioInterval([2], [1]))).toBeNull();
    expect(ratioInterval([], [1])).toBeNull();
  });
  it('is not the min-max range at n = 3 (the old bootstrap of medians was)', () => {
    const a = [6.289, 6.5, 7.021];
    const b = [4.084, 4.3, 4.634];
    const r = ratioInterval(a, b);
    expect(r?.ciLow).not.toBeCloseTo(6.289 / 4.634, 3);
    expect(r?.ciHigh).not.toBeCloseTo(7.021 / 4.084, 3);
  });
});

describe('interval coverage on simulated log-normal runs (the ci-coverage experiment, 300 per cell)', () => {
  const shares = COVERAGE_GRID.map((cell, index) => ({ cell, share: coverage(cell, 300, 1000 + index) }));
  it('covers the true ratio 90-99% of the time in every cell', () => {
    for (const { cell, share } of shares) expect(share, JSON.stringify(cell)).toBeGreaterThanOrEqual(0.9);
    for (const { cell, share } of shares) expect(share, JSON.stringify(cell)).toBeLessThanOrEqual(0.99);
  });
  it('covers 93-97% over all cells (a min-max range at n = 3 would fall to about 90%)', () => {
    const pooled = shares.reduce((sum, s) => sum + s.share, 0) / shares.length;
    expect(pooled).toBeGreaterThanOrEqual(0.93);
    expect(pooled).toBeLessThanOrEqual(0.97);
  });
});

describe('outlierIndexes', () => {
  it('flags a far value from 5 runs on (modified z-score > 3.5)', () => {
    expect(outlierIndexes([1, 1.01, 0.99, 1.02, 5])).toEqual([4]);
  });
  it('never flags with fewer than 5 runs, where the MAD means little', () => {
    expect(outlierIndexes([1, 1.037, 1])).toEqual([]);
    expect(outlierIndexes([1, 1.01, 0.99, 5])).toEqual([]);
  });
});

describe('mannWhitneyExact', () => {
  it('gives exactly 0.1 for two disjoint samples of 3 (2 of 20 splits are as extreme)', () => {
    expect(mannWhitneyExact([1, 2, 3], [4, 5, 6])).toEqual({ u: 0, p: 0.1 });
  });
  it('gives 2/70 for two disjoint samples of 4', () => {
    expect(mannWhitneyExact([1, 2, 3, 4], [5, 6, 7, 8])?.p).toBeCloseTo(2 / 70, 12);
  });
  it('gives 1 for identical samples and handles ties by midranks', () => {
    expect(mannWhitneyExact([1, 2, 3], [1, 2, 3])?.p).toBe(1);
    // pooled 1,1,2,2 ranks 1.5,1.5,3.5,3.5; splits of 2: sums 3 (1), 5 (4), 7 (1); observed 3 is 2 from 5: p = 2/6
    expect(mannWhitneyExact([1, 1], [2, 2])?.p).toBeCloseTo(2 / 6, 12);
  });
  it('gives no p for an empty side', () => {
    expect(mannWhitneyExact([], [1])).toBeNull();
  });
});
