import { describe, expect, it } from 'vitest';
import {
  ADAPTIVE_GRID,
  adaptiveCoverage,
  allocatedCoverage,
  COVERAGE_GRID,
  coverage,
} from '../../bench/coverage-simulation.ts';
import {
  ALPHA,
  describe as describeStats,
  geometricMeanInterval,
  halfWidthShare,
  isSignificant,
  mannWhitney,
  NO_INTERVAL_METHOD,
  NO_VARIATION_METHOD,
  outlierIndexes,
  RATIO_METHOD,
  ratioInterval,
} from '../../src/analyze/stats.ts';
import { seededRandom } from '../../src/model/prng.ts';
import { ci, meanSd, pText } from '../../src/model/units.ts';

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
      p: null,
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

describe('interval coverage when adaptive sampling decides the run count (300 experiments per cell)', () => {
  const shares = ADAPTIVE_GRID.map((cell, index) => ({ cell, share: adaptiveCoverage(cell, 300, 5000 + index) }));
  it('covers the true ratio 89-99% of the time in every cell (the full experiment: 93-97% at 6,000 per cell)', () => {
    for (const { cell, share } of shares) expect(share, JSON.stringify(cell)).toBeGreaterThanOrEqual(0.89);
    for (const { cell, share } of shares) expect(share, JSON.stringify(cell)).toBeLessThanOrEqual(0.99);
  });
  it('covers 93-97% over all cells', () => {
    const pooled = shares.reduce((sum, s) => sum + s.share, 0) / shares.length;
    expect(pooled).toBeGreaterThanOrEqual(0.93);
    expect(pooled).toBeLessThanOrEqual(0.97);
  });
});

describe('interval coverage when rounds leave out the modes already precise (300 experiments per cell)', () => {
  const shares = ADAPTIVE_GRID.map((cell, index) => ({ cell, share: allocatedCoverage(cell, 300, 5000 + index) }));
  it('covers 89-99% in every cell and 93-97% over all (the full experiment: 93.4-96.7% at 6,000 per cell)', () => {
    for (const { cell, share } of shares) expect(share, JSON.stringify(cell)).toBeGreaterThanOrEqual(0.89);
    for (const { cell, share } of shares) expect(share, JSON.stringify(cell)).toBeLessThanOrEqual(0.99);
    const pooled = shares.reduce((sum, s) => sum + s.share, 0) / shares.length;
    expect(pooled).toBeGreaterThanOrEqual(0.93);
    expect(pooled).toBeLessThanOrEqual(0.97);
  });
  it('with one speedup is the adaptive rule itself: the same coverage on the same seeds', () => {
    const single = ADAPTIVE_GRID.findIndex((c) => c.ratios.length === 1);
    const cell = ADAPTIVE_GRID[single] as (typeof ADAPTIVE_GRID)[number];
    expect(allocatedCoverage(cell, 300, 5000 + single)).toBe(adaptiveCoverage(cell, 300, 5000 + single));
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

describe('mannWhitney (the robustness check)', () => {
  it('gives exactly 0.1 for two disjoint samples of 3 (2 of 20 splits are as extreme)', () => {
    expect(mannWhitney([1, 2, 3], [4, 5, 6])).toEqual({ u: 0, p: 0.1, exact: true });
  });
  it('gives 2/70 for two disjoint samples of 4', () => {
    expect(mannWhitney([1, 2, 3, 4], [5, 6, 7, 8])?.p).toBeCloseTo(2 / 70, 12);
  });
  it('gives 1 for identical samples and handles ties by midranks', () => {
    expect(mannWhitney([1, 2, 3], [1, 2, 3])?.p).toBe(1);
    // pooled 1,1,2,2 ranks 1.5,1.5,3.5,3.5; splits of 2: sums 3 (1), 5 (4), 7 (1); observed 3 is 2 from 5: p = 2/6
    expect(mannWhitney([1, 1], [2, 2])?.p).toBeCloseTo(2 / 6, 12);
  });
  it('beyond 3 million splits: the normal approximation, as SciPy 1.17 computes it', () => {
    // python3 -c "from scipy import stats; a=[5+i*0.01 for i in range(13)]; b=[6+i*0.01 for i in range(13)];
    //   print(stats.mannwhitneyu(a, b, method='asymptotic', use_continuity=True).pvalue)"
    const a = Array.from({ length: 13 }, (_, i) => 5 + i * 0.01);
    const b = Array.from({ length: 13 }, (_, i) => 6 + i * 0.01);
    const r = mannWhitney(a, b);
    expect(r?.exact).toBe(false);
    expect(r?.u).toBe(0);
    expect(r?.p).toBeCloseTo(1.6496665061862602e-5, 12);
    // with ties: stats.mannwhitneyu([1,1,1,2,5,...,13], [3,4,4,4,14,...,22], method='asymptotic').pvalue
    const ta = [1, 1, 1, 2, 5, 6, 7, 8, 9, 10, 11, 12, 13];
    const tb = [3, 4, 4, 4, 14, 15, 16, 17, 18, 19, 20, 21, 22];
    expect(mannWhitney(ta, tb)?.p).toBeCloseTo(0.013704706263524704, 12);
  });
  it('gives no p for an empty side or a value that is not a number', () => {
    expect(mannWhitney([], [1])).toBeNull();
    expect(mannWhitney([1, Number.NaN, 2], [3, 4, 5])).toBeNull();
  });
});

/**
 * Welch t on log times, from SciPy 1.17, for each pair (a, b) below:
 *   la, lb = np.log(a), np.log(b); r = stats.ttest_ind(la, lb, equal_var=False); ci = r.confidence_interval(0.95)
 *   print(np.exp(la.mean() - lb.mean()), np.exp(ci.low), np.exp(ci.high), r.pvalue)
 * Rows: numerator, denominator, ratio, ciLow, ciHigh, p.
 */
const WELCH_SCIPY: [number[], number[], number, number, number, number][] = [
  [[10.1, 10.4], [5.0, 5.3], 1.9909227973243122, 1.628408570706417, 2.4341394759339456, 0.008287029609870676],
  [[10.1, 10.4, 9.8], [5.0, 5.3, 5.1], 1.9675309811680977, 1.8395429091918, 2.104423953642425, 9.768300850253434e-6],
  [
    [8.9, 9.1, 8.7, 9.4],
    [8.8, 9.3, 9.0],
    0.9989266114668611,
    0.9410286623089739,
    1.0603868033607606,
    0.9646359601294939,
  ],
  [[12.0, 12.5, 11.8], [5.0, 5.2, 4.9], 2.404000827305434, 2.246292041983771, 2.5727821092138132, 3.608599488380738e-6],
  [
    [20.0, 30.0, 25.0, 22.0, 28.0],
    [10.0, 10.1, 10.2],
    2.448089055852463,
    1.9902091980405014,
    3.011311590402288,
    0.00026294968244377646,
  ],
  [
    [4.75, 4.9, 5.1, 4.6],
    [3.05, 3.1, 3.2, 2.95, 3.0],
    1.5803506809973273,
    1.4793099072024296,
    1.6882928065099179,
    7.13684188904539e-6,
  ],
  [[1.0, 1.1], [1.05, 1.2, 0.95, 1.0], 1.0027041328475963, 0.8093221401130417, 1.242293430758263, 0.9712016475076689],
  [
    [103.47, 101.2, 105.9],
    [7.39, 7.5, 7.2],
    14.058885950386207,
    13.381497066349201,
    14.770565145734553,
    1.3894205152319838e-8,
  ],
  [[6.0, 7.5, 9.0], [5.0, 6.0, 7.0], 1.2447398000493657, 0.8107796164891625, 1.9109720302738333, 0.22634716167504113],
  [
    [5.0, 5.01, 5.02, 5.03],
    [6.0, 6.01, 6.02, 6.03],
    0.8337483292751402,
    0.8303096025897441,
    0.8372012974448936,
    7.796035553160246e-11,
  ],
];

describe('ratioInterval: the Welch interval and p of one test', () => {
  it('agrees with SciPy on 10 pairs (n = 2, unequal n, unequal variances)', () => {
    for (const [a, b, ratio, low, high, p] of WELCH_SCIPY) {
      const r = ratioInterval(a, b);
      expect(r?.ratio).toBeCloseTo(ratio, 10);
      expect(r?.ciLow).toBeCloseTo(low, 8);
      expect(r?.ciHigh).toBeCloseTo(high, 8);
      expect((r?.p as number) / p).toBeCloseTo(1, 6);
    }
  });
  it('calls a difference significant exactly when the 95% interval excludes 1 (1,000 random pairs)', () => {
    const random = seededRandom(3);
    let significant = 0;
    for (let i = 0; i < 1000; i++) {
      const n1 = 2 + Math.floor(random() * 8);
      const n2 = 2 + Math.floor(random() * 8);
      const shift = 1 + (random() - 0.5) * 0.3;
      const a = Array.from({ length: n1 }, () => 10 * shift * (1 + (random() - 0.5) * 0.3));
      const b = Array.from({ length: n2 }, () => 10 * (1 + (random() - 0.5) * 0.3));
      const r = ratioInterval(a, b);
      expect((r?.p as number) < ALPHA).toBe(isSignificant(r));
      if (isSignificant(r)) significant++;
    }
    expect(significant).toBeGreaterThan(100); // both outcomes occur
    expect(significant).toBeLessThan(900);
  });
  it('13 against 13 fully separated runs: a p, and clear', () => {
    // SciPy: stats.ttest_ind(np.log(a), np.log(b), equal_var=False).pvalue = 8.632639248679215e-28
    const a = Array.from({ length: 13 }, (_, i) => 5 + i * 0.01);
    const b = Array.from({ length: 13 }, (_, i) => 6 + i * 0.01);
    const r = ratioInterval(a, b);
    expect(isSignificant(r)).toBe(true);
    expect((r?.p as number) / 8.632639248679215e-28).toBeCloseTo(1, 4);
    expect(pText(r?.p)).toBe('p < 0.001');
  });
});

describe('degenerate input', () => {
  it('identical runs on both sides: no interval and no p, not a zero-width interval', () => {
    expect(ratioInterval([5, 5, 5], [2, 2, 2])).toEqual({
      ratio: 2.5,
      ciLow: null,
      ciHigh: null,
      p: null,
      method: NO_VARIATION_METHOD,
    });
    expect(isSignificant(ratioInterval([5, 5, 5], [2, 2, 2]))).toBe(false);
    expect(halfWidthShare(ratioInterval([5, 5, 5], [2, 2, 2]))).toBeNull();
  });
  it('one run: the mean without an sd, no interval of the mean', () => {
    const one = describeStats([5]);
    expect(meanSd(one)).toBe('5.00 s (1 run: no sd)');
    expect(ci(one)).toBe('- (1 run)');
    expect(meanSd(describeStats([8.5, 9]))).toBe('8.75 s ± 0.354 s');
  });
  it('times that are not positive numbers give no ratio, and no rank test', () => {
    expect(ratioInterval([1, Number.NaN], [1, 2])).toBeNull();
    expect(ratioInterval([1, -2], [1, 2])).toBeNull();
    expect(ratioInterval([1, Number.POSITIVE_INFINITY], [1, 2])).toBeNull();
  });
  it('p below 0.001 prints as "p < 0.001"; no p as "-"', () => {
    expect(pText(0.0004)).toBe('p < 0.001');
    expect(pText(0.001)).toBe('p = 0.001');
    expect(pText(0.0289)).toBe('p = 0.029');
    expect(pText(null)).toBe('-');
  });
  it('the outlier rule still judges when the MAD is 0: [1, 1, 1, 2, 10] flags 10', () => {
    // MAD 0; mean absolute deviation from the median 1 is (0+0+0+1+9)/5 = 2; |10-1| / (1.2533 x 2) = 3.59 > 3.5
    expect(outlierIndexes([1, 1, 1, 2, 10])).toEqual([4]);
    expect(outlierIndexes([1, 1, 1, 2, 8])).toEqual([]); // 7 / 2.5066 = 2.79
    expect(outlierIndexes([3, 3, 3, 3, 3])).toEqual([]);
  });
});

describe('geometricMeanInterval', () => {
  it('is exp(mean log) with the t interval on the logs (t(0.975, 3) = 3.182446305284263, a table value)', () => {
    // [10, 12, 11.5, 9.8]: mean log 2.37804..., sd of the logs 0.0946...: computed with Python's statistics module
    const g = geometricMeanInterval([10, 12, 11.5, 9.8]);
    expect(g?.mean).toBeCloseTo(10.7839108898791, 10);
    expect(g?.ciLow).toBeCloseTo(9.187799581713604, 8);
    expect(g?.ciHigh).toBeCloseTo(12.657299829690393, 8);
    expect(geometricMeanInterval([5])).toEqual({ mean: 5, ciLow: null, ciHigh: null });
    expect(geometricMeanInterval([0, 1])).toBeNull();
  });
});
