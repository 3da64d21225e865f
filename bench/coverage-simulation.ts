// The coverage check of the speedup interval: simulated runs with log-normal noise, the share of intervals that hold
// the true ratio. Shared by the ci-coverage experiment (2,000 per cell) and its unit test (300 per cell).
import { ratioInterval } from '../src/analyze/stats.ts';
import { normal, type Random, seededRandom } from '../src/model/prng.ts';

/** One cell of the grid: noise, runs per side, true ratio. */
export interface CoverageCell {
  /** Coefficient of variation of each run's time (0.1 = 10%). */
  cv: number;
  /** Runs per side. */
  n: number;
  /** True ratio baseline / mode. */
  ratio: number;
}

/** The grid the issue asks for: CV 2%, 10%, 30% x n 3, 5, 10 x ratio 1, 2, 14. */
export const COVERAGE_GRID: CoverageCell[] = [0.02, 0.1, 0.3].flatMap((cv) =>
  [3, 5, 10].flatMap((n) => [1, 2, 14].map((ratio) => ({ cv, n, ratio }))),
);

/** Log-normal run times around `median` with coefficient of variation `cv`. */
function times(random: Random, n: number, median: number, cv: number): number[] {
  const sigma = Math.sqrt(Math.log(1 + cv * cv));
  return Array.from({ length: n }, () => median * Math.exp(sigma * normal(random)));
}

/** Share of `simulations` 95% intervals that contain the true ratio, for one cell. */
export function coverage(cell: CoverageCell, simulations: number, seed: number): number {
  const random = seededRandom(seed);
  let covered = 0;
  for (let i = 0; i < simulations; i++) {
    const baseline = times(random, cell.n, 10 * cell.ratio, cell.cv);
    const mode = times(random, cell.n, 10, cell.cv);
    const r = ratioInterval(baseline, mode);
    if (r?.ciLow != null && r.ciHigh != null && r.ciLow <= cell.ratio && cell.ratio <= r.ciHigh) covered++;
  }
  return covered / simulations;
}
