// The coverage check of the speedup interval: simulated runs with log-normal noise, the share of intervals that hold
// the true ratio, at a fixed run count and with the tool's adaptive stopping. Shared by the ci-coverage experiment and
// its unit tests (a few hundred per cell).
import { halfWidthShare, ratioInterval } from '../src/analyze/stats.ts';
import { modesToSample, PRECISION_LEVEL, stopReason } from '../src/commands/adaptive-sampling.ts';
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

/** One adaptive cell: noise, and the true ratios of the speedups that share one baseline. */
export interface AdaptiveCell {
  cv: number;
  /** True ratio baseline / mode of each speedup (one or several sharing the baseline's runs). */
  ratios: number[];
}

/** The adaptive grid: CV 2, 8, 10, 12, 30% x one speedup (2x) or three sharing a baseline (1x, 2x, 14x). */
export const ADAPTIVE_GRID: AdaptiveCell[] = [0.02, 0.08, 0.1, 0.12, 0.3].flatMap((cv) => [
  { cv, ratios: [2] },
  { cv, ratios: [1, 2, 14] },
]);

/** The default bench's sampling: from 3 to 10 runs, until every speedup is within +-10% (no budget). */
export const ADAPTIVE_SETTINGS = { precision: 0.1, minRuns: 3, maxRuns: 10, budgetSeconds: null };

/**
 * Share of the reported 95% intervals that contain their true ratio when the tool's own rule decides when to stop
 * (stopReason, judged at PRECISION_LEVEL), over `simulations` experiments; each experiment counts every speedup.
 */
export function adaptiveCoverage(cell: AdaptiveCell, simulations: number, seed: number): number {
  const random = seededRandom(seed);
  const a = ADAPTIVE_SETTINGS;
  let covered = 0;
  let total = 0;
  for (let i = 0; i < simulations; i++) {
    const baseline = times(random, a.maxRuns, 10, cell.cv);
    const modes = cell.ratios.map((ratio) => times(random, a.maxRuns, 10 / ratio, cell.cv));
    let n = a.minRuns;
    for (; n < a.maxRuns; n++) {
      const shares = modes.map((m) =>
        halfWidthShare(ratioInterval(baseline.slice(0, n), m.slice(0, n), PRECISION_LEVEL)),
      );
      const widest = Math.max(...shares.map((s) => s ?? Number.POSITIVE_INFINITY));
      if (stopReason(a, n, { what: 'speedup', widest }, 0, 0)) break;
    }
    for (const [index, m] of modes.entries()) {
      const r = ratioInterval(baseline.slice(0, n), m.slice(0, n));
      const truth = cell.ratios[index] as number;
      total++;
      if (r?.ciLow != null && r.ciHigh != null && r.ciLow <= truth && truth <= r.ciHigh) covered++;
    }
  }
  return covered / total;
}

/**
 * Share of the reported 95% intervals that contain their true ratio when each round runs only the modes whose
 * speedup is not yet known to --precision (modesToSample, the tool's allocation; the baseline runs while any other
 * mode does) and the tool's stop rule ends the rounds; each experiment counts every speedup.
 */
export function allocatedCoverage(cell: AdaptiveCell, simulations: number, seed: number): number {
  const random = seededRandom(seed);
  const a = ADAPTIVE_SETTINGS;
  let covered = 0;
  let total = 0;
  const share = (b: number[], m: number[]) =>
    b.length < 2 || m.length < 2 ? null : halfWidthShare(ratioInterval(b, m, PRECISION_LEVEL));
  for (let i = 0; i < simulations; i++) {
    const baseline = times(random, a.maxRuns, 10, cell.cv);
    const modes = cell.ratios.map((ratio) => times(random, a.maxRuns, 10 / ratio, cell.cv));
    let nb = 0;
    const nm = modes.map(() => 0);
    for (let round = 1; round <= a.maxRuns; round++) {
      const progress = modes.map((m, k) => ({
        mode: `m${k}`,
        runs: nm[k] as number,
        share: share(baseline.slice(0, nb), m.slice(0, nm[k])),
      }));
      const run = modesToSample(a, 'b', [{ mode: 'b', runs: nb, share: null }, ...progress]);
      if (run.size === 0) break;
      if (run.has('b')) nb++;
      for (const k of nm.keys()) if (run.has(`m${k}`)) nm[k] = (nm[k] as number) + 1;
      const shares = modes.map((m, k) => share(baseline.slice(0, nb), m.slice(0, nm[k])));
      const widest = Math.max(...shares.map((s) => s ?? Number.POSITIVE_INFINITY));
      if (stopReason(a, round, { what: 'speedup', widest }, 0, 0)) break;
    }
    for (const [index, m] of modes.entries()) {
      const r = ratioInterval(baseline.slice(0, nb), m.slice(0, nm[index]));
      const truth = cell.ratios[index] as number;
      total++;
      if (r?.ciLow != null && r.ciHigh != null && r.ciLow <= truth && truth <= r.ciHigh) covered++;
    }
  }
  return covered / total;
}
