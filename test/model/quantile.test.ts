// The one quantile: expected values from NumPy 2.4 (np.quantile, linear interpolation = R's type 7), e.g.
//   python3 -c "import numpy as np; print(np.quantile([0.31,0.29,0.55,0.30,1.9,0.28,0.33], 0.99))"
import { describe, expect, it } from 'vitest';
import { median, quantile } from '../../src/model/quantile.ts';

const PROBE = [0.31, 0.29, 0.55, 0.3, 1.9, 0.28, 0.33];

describe('quantile', () => {
  it('agrees with NumPy', () => {
    expect(quantile(PROBE, 0.99)).toBeCloseTo(1.8189999999999993, 12);
    expect(quantile(PROBE, 0.5)).toBe(0.31);
    expect(quantile([5], 0.99)).toBe(5);
    expect(
      quantile(
        Array.from({ length: 100 }, (_, i) => i + 1),
        0.99,
      ),
    ).toBeCloseTo(99.01, 12);
    expect(quantile([2, 1], 0.25)).toBe(1.25);
    expect(quantile([], 0.5)).toBeNaN();
  });
  it('median of odd and even counts: the middle one, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });
});
