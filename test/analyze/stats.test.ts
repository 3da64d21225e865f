import { describe, expect, it } from 'vitest';
import {
  describe as describeStats,
  mannWhitney,
  median,
  normalCdf,
  outlierIndexes,
  ratioOfMedians,
} from '../../src/analyze/stats.ts';

describe('describe (tinybench statistics)', () => {
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

describe('median', () => {
  it('of odd and even counts', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});

describe('ratioOfMedians', () => {
  it('gives the ratio of medians and a CI around it, repeatably', () => {
    const r = ratioOfMedians([100, 104, 103.5], [7.4, 7.3, 7.5], 1);
    expect(r?.ratio).toBeCloseTo(103.5 / 7.4, 10);
    expect(r?.ciLow).toBeLessThanOrEqual(r?.ratio as number);
    expect(r?.ciHigh).toBeGreaterThanOrEqual(r?.ratio as number);
    expect(r?.ciLow).toBeGreaterThanOrEqual(100 / 7.5 - 1e-9);
    expect(r?.ciHigh).toBeLessThanOrEqual(104 / 7.3 + 1e-9);
    expect(ratioOfMedians([100, 104, 103.5], [7.4, 7.3, 7.5], 1)).toEqual(r);
  });
  it('is null without data', () => {
    expect(ratioOfMedians([], [1])).toBeNull();
  });
});

describe('outlierIndexes', () => {
  it('flags a far value and nothing in tight data', () => {
    expect(outlierIndexes([1, 1.01, 0.99, 1.02, 5])).toEqual([4]);
    expect(outlierIndexes([1, 1.1, 0.9])).toEqual([]);
    expect(outlierIndexes([1, 5])).toEqual([]);
  });
});

describe('mannWhitney', () => {
  it('separates clearly different samples and not equal ones', () => {
    const a = [1, 2, 3, 4, 5, 6, 7, 8];
    const b = [11, 12, 13, 14, 15, 16, 17, 18];
    expect(mannWhitney(a, b)?.u).toBe(0);
    expect(mannWhitney(a, b)?.p).toBeLessThan(0.01);
    expect(mannWhitney(a, a)?.p).toBeGreaterThan(0.9);
  });
  it('normalCdf matches known values', () => {
    expect(normalCdf(0)).toBeCloseTo(0.5, 6);
    expect(normalCdf(1.96)).toBeCloseTo(0.975, 3);
  });
});
