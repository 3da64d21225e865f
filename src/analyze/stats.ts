// Pure statistics: descriptive figures, a Welch t interval for a ratio of geometric means, outliers, and the exact
// Mann-Whitney test.
import jstat from 'jstat';
import { median } from '../model/quantile.ts';
import type { Ratio, Stat } from '../model/results.ts';

/** The two-sided t quantile of confidence `level` for `df` degrees of freedom. */
function tQuantile(level: number, df: number): number {
  return jstat.jStat.studentt.inv(1 - (1 - level) / 2, df);
}

/** Two-sided p of a t statistic with `df` degrees of freedom. */
function tTestP(t: number, df: number): number {
  return Math.min(1, 2 * jstat.jStat.studentt.cdf(-Math.abs(t), df));
}

/** Descriptive statistics of `values`: mean, median, sample sd, range and the 95% t interval of the mean. */
export function describe(values: readonly number[]): Stat | null {
  if (values.length === 0) return null;
  const n = values.length;
  const m = mean(values);
  const sd = n > 1 ? Math.sqrt(variance(values)) : 0;
  const moe = n > 1 ? tQuantile(0.95, n - 1) * (sd / Math.sqrt(n)) : 0;
  return {
    n,
    mean: m,
    median: median(values),
    sd,
    min: Math.min(...values),
    max: Math.max(...values),
    ciLow: m - moe,
    ciHigh: m + moe,
  };
}

/**
 * The geometric mean of positive values with its t interval at `level` (exp of the mean log +- t x its standard
 * error); no interval below 2 values.
 */
export function geometricMeanInterval(
  values: readonly number[],
  level = 0.95,
): { mean: number; ciLow: number | null; ciHigh: number | null } | null {
  if (!values.length || !values.every((v) => v > 0 && Number.isFinite(v))) return null;
  const logs = values.map(Math.log);
  const m = mean(logs);
  if (values.length < 2) return { mean: Math.exp(m), ciLow: null, ciHigh: null };
  const moe = tQuantile(level, values.length - 1) * Math.sqrt(variance(logs) / values.length);
  return { mean: Math.exp(m), ciLow: Math.exp(m - moe), ciHigh: Math.exp(m + moe) };
}

/** The geometric mean of positive values: exp of the mean log (the quantity a speedup is the ratio of). */
export function geometricMean(values: readonly number[]): number {
  return Math.exp(mean(values.map(Math.log)));
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

function variance(values: readonly number[]): number {
  const m = mean(values);
  return values.reduce((a, b) => a + (b - m) ** 2, 0) / (values.length - 1);
}

/** How speedups and changes are estimated, as reports and results.json name it. */
export const RATIO_METHOD =
  'ratio of geometric means; 95% Welch t interval and two-sided Welch t test on the difference of mean log times';
/** What a ratio carries when a side has fewer than two runs. */
export const NO_INTERVAL_METHOD = 'ratio of geometric means; no interval: fewer than 2 runs on a side';
/** What a ratio carries when neither side varies at all (no spread to judge a difference by). */
export const NO_VARIATION_METHOD = 'ratio of geometric means; no interval: the runs do not vary on either side';

/** Significance level: a difference is clear exactly when the 95% interval excludes 1, i.e. the Welch p < 0.05. */
export const ALPHA = 0.05;

/**
 * The Welch t statistic on logs: difference of mean logs, its standard error and Satterthwaite's degrees of freedom.
 */
export function welchOnLogs(numerator: readonly number[], denominator: readonly number[]) {
  const a = numerator.map(Math.log);
  const b = denominator.map(Math.log);
  const diff = mean(a) - mean(b);
  if (a.length < 2 || b.length < 2) return { diff, se: NaN, df: NaN };
  const va = variance(a) / a.length;
  const vb = variance(b) / b.length;
  const se = Math.sqrt(va + vb);
  const df = (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  return { diff, se, df };
}

/**
 * numerator / denominator as a ratio of geometric means with its Welch t interval (95% unless `level` says otherwise)
 * and the two-sided Welch t test's p, both on the difference of mean log times (Satterthwaite degrees of freedom):
 * the interval excludes 1 exactly when p < 1 - level. No interval and no p (nulls) with fewer than 2 values on a
 * side or when neither side varies; null for an empty side or a time that is not a positive number.
 */
export function ratioInterval(
  numerator: readonly number[],
  denominator: readonly number[],
  level = 0.95,
): Ratio | null {
  if (numerator.length === 0 || denominator.length === 0) return null;
  if (![...numerator, ...denominator].every((v) => v > 0 && Number.isFinite(v))) return null;
  const { diff, se, df } = welchOnLogs(numerator, denominator);
  const ratio = Math.exp(diff);
  if (!Number.isFinite(se)) return { ratio, ciLow: null, ciHigh: null, p: null, method: NO_INTERVAL_METHOD };
  if (se === 0) return { ratio, ciLow: null, ciHigh: null, p: null, method: NO_VARIATION_METHOD };
  const t = tQuantile(level, df);
  const p = tTestP(diff / se, df);
  return { ratio, ciLow: Math.exp(diff - t * se), ciHigh: Math.exp(diff + t * se), p, method: RATIO_METHOD };
}

/** True when a ratio's interval excludes 1 (a clear difference at its level); false without an interval. */
export function isSignificant(r: Pick<Ratio, 'ciLow' | 'ciHigh'> | null): boolean {
  return r !== null && r.ciLow !== null && r.ciHigh !== null && (r.ciLow > 1 || r.ciHigh < 1);
}

/** Half the width of a ratio's interval as a share of the ratio (0.1 = +-10%); null without an interval. */
export function halfWidthShare(r: Pick<Ratio, 'ratio' | 'ciLow' | 'ciHigh'> | null): number | null {
  if (!r || r.ciLow === null || r.ciHigh === null) return null;
  return (r.ciHigh - r.ciLow) / 2 / r.ratio;
}

/** Fewest runs at which a run is ever called an outlier: with fewer, the median absolute deviation is meaningless. */
export const MIN_RUNS_FOR_OUTLIERS = 5;

/**
 * Indexes of outliers, from 5 values: modified z-score |x - median| / (1.4826 MAD) above 3.5 (Iglewicz-Hoaglin); when
 * more than half the values are equal (MAD 0), the mean absolute deviation from the median stands in for it, scaled by
 * 1.2533 (their recommended fallback), so [1, 1, 1, 2, 10] still flags 10.
 */
export function outlierIndexes(values: readonly number[]): number[] {
  if (values.length < MIN_RUNS_FOR_OUTLIERS) return [];
  const m = median(values);
  const deviations = values.map((v) => Math.abs(v - m));
  const mad = median(deviations);
  const scale = mad > 0 ? 1.4826 * mad : 1.2533 * (deviations.reduce((a, d) => a + d, 0) / values.length);
  if (scale === 0) return [];
  return values.flatMap((v, i) => (Math.abs(v - m) / scale > 3.5 ? [i] : []));
}

/** Midranks (1-based) of `values`, ties sharing their mean rank. */
function midranks(values: readonly number[]): number[] {
  const order = values.map((v, i) => ({ v, i })).sort((x, y) => x.v - y.v);
  const ranks = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]?.v === order[i]?.v) j++;
    for (let k = i; k <= j; k++) ranks[(order[k] as { i: number }).i] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return ranks;
}

/** Sums of every k-subset of `values` (all C(n, k) of them). */
function subsetSums(values: readonly number[], k: number): number[] {
  const sums: number[] = [];
  const walk = (start: number, left: number, sum: number) => {
    if (left === 0) {
      sums.push(sum);
      return;
    }
    for (let i = start; i <= values.length - left; i++) walk(i + 1, left - 1, sum + (values[i] as number));
  };
  walk(0, k, 0);
  return sums;
}

function binomial(n: number, k: number): number {
  let c = 1;
  for (let i = 1; i <= k; i++) c = (c * (n - k + i)) / i;
  return c;
}

/** Most splits the exact test enumerates (C(24, 12) is 2.7 million); beyond it the normal approximation. */
const MAX_EXACT_SPLITS = 3_000_000;

/** A Mann-Whitney U test's result: U, the two-sided p, and whether p is exact or the normal approximation. */
export interface RankTest {
  u: number;
  p: number;
  exact: boolean;
}

/**
 * Two-sided Mann-Whitney U test (midranks for ties): by its exact permutation distribution (the share of all splits of
 * the pooled ranks whose rank sum lies at least as far from its mean as the observed one) up to 3 million splits, by
 * the normal approximation with tie and continuity corrections beyond. A robustness check beside the Welch test,
 * never the decider. Null when a side is empty or a value is not a finite number.
 */
export function mannWhitney(a: readonly number[], b: readonly number[]): RankTest | null {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0 || ![...a, ...b].every(Number.isFinite)) return null;
  const ranks = midranks([...a, ...b]);
  const observed = ranks.slice(0, n1).reduce((s, r) => s + r, 0);
  const u1 = observed - (n1 * (n1 + 1)) / 2;
  const u = Math.min(u1, n1 * n2 - u1);
  if (binomial(n1 + n2, n1) > MAX_EXACT_SPLITS) return { u, p: normalApproximation(u1, n1, n2, ranks), exact: false };
  const expected = (n1 * (n1 + n2 + 1)) / 2;
  const distance = Math.abs(observed - expected) - 1e-9;
  const sums = subsetSums(ranks, n1);
  const extreme = sums.filter((s) => Math.abs(s - expected) >= distance).length;
  return { u, p: Math.min(1, extreme / sums.length), exact: true };
}

/** Two-sided p of U1 by the normal approximation, with the tie correction and a continuity correction of 0.5. */
function normalApproximation(u1: number, n1: number, n2: number, ranks: readonly number[]): number {
  const n = n1 + n2;
  const counts = new Map<number, number>();
  for (const r of ranks) counts.set(r, (counts.get(r) ?? 0) + 1);
  const ties = [...counts.values()].reduce((sum, t) => sum + t ** 3 - t, 0);
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - ties / (n * (n - 1))));
  if (sigma === 0) return 1;
  const z = Math.max(0, Math.abs(u1 - (n1 * n2) / 2) - 0.5) / sigma;
  return Math.min(1, 2 * jstat.jStat.normal.cdf(-z, 0, 1));
}
