// Pure statistics: descriptive figures through tinybench, bootstrap CI of a ratio of medians, outliers, Mann-Whitney U.
import { Bench } from 'tinybench';
import { type Random, seededRandom } from '../model/prng.ts';
import type { Ratio, Stat } from '../model/results.ts';

/** Descriptive statistics of `values` computed by tinybench (replayed as overridden durations); null when empty. */
export function describe(values: readonly number[]): Stat | null {
  if (values.length === 0) return null;
  let i = 0;
  const bench = new Bench({ iterations: values.length, time: 0, warmup: false, retainSamples: false });
  bench.add('replay', () => ({ overriddenDuration: values[i++] as number }), { async: false });
  bench.runSync();
  const result = bench.tasks[0]?.result;
  if (!result || !('latency' in result) || !result.latency)
    throw new Error(`tinybench gave no statistics (${result?.state})`);
  const s = result.latency;
  const moe = values.length > 1 ? s.moe : 0;
  return {
    n: values.length,
    mean: s.mean,
    median: s.p50,
    sd: values.length > 1 ? s.sd : 0,
    min: s.min,
    max: s.max,
    ciLow: s.mean - moe,
    ciHigh: s.mean + moe,
  };
}

/** Median of a list (NaN when empty). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function resample(values: readonly number[], random: Random): number[] {
  return values.map(() => values[Math.floor(random() * values.length)] as number);
}

function percentile(sorted: readonly number[], p: number): number {
  const idx = Math.min(sorted.length - 1, Math.max(0, (sorted.length - 1) * p));
  const lo = Math.floor(idx);
  const hi = Math.ceil(idx);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (idx - lo);
}

/** Ratio median(numerator)/median(denominator) with a 95% percentile-bootstrap CI (seeded, so repeatable). */
export function ratioOfMedians(
  numerator: readonly number[],
  denominator: readonly number[],
  seed = 1,
  iterations = 5000,
): Ratio | null {
  if (numerator.length === 0 || denominator.length === 0) return null;
  const point = median(numerator) / median(denominator);
  if (!Number.isFinite(point)) return null;
  const random = seededRandom(seed);
  const ratios: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const r = median(resample(numerator, random)) / median(resample(denominator, random));
    if (Number.isFinite(r)) ratios.push(r);
  }
  ratios.sort((a, b) => a - b);
  return {
    ratio: point,
    ciLow: percentile(ratios, 0.025),
    ciHigh: percentile(ratios, 0.975),
    method: `bootstrap of medians, ${iterations} resamples, 95% percentile interval`,
  };
}

/** Indexes of outliers: modified z-score |x - median| / (1.4826 MAD) above 3.5 (Iglewicz-Hoaglin); none below 3 values. */
export function outlierIndexes(values: readonly number[]): number[] {
  if (values.length < 3) return [];
  const m = median(values);
  const mad = median(values.map((v) => Math.abs(v - m)));
  if (mad === 0) return [];
  return values.flatMap((v, i) => (Math.abs(v - m) / (1.4826 * mad) > 3.5 ? [i] : []));
}

/** Two-sided Mann-Whitney U test (normal approximation with tie correction): U and p-value. */
export function mannWhitney(a: readonly number[], b: readonly number[]): { u: number; p: number } | null {
  const n1 = a.length;
  const n2 = b.length;
  if (n1 === 0 || n2 === 0) return null;
  const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((x, y) => x.v - y.v);
  const ranks = new Array<number>(all.length);
  let tieTerm = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && (all[j + 1] as { v: number }).v === (all[i] as { v: number }).v) j++;
    const rank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[k] = rank;
    const t = j - i + 1;
    tieTerm += t ** 3 - t;
    i = j + 1;
  }
  const r1 = all.reduce((sum, x, i) => (x.g === 0 ? sum + (ranks[i] as number) : sum), 0);
  const u1 = r1 - (n1 * (n1 + 1)) / 2;
  const u = Math.min(u1, n1 * n2 - u1);
  const n = n1 + n2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  if (sigma === 0) return { u, p: 1 };
  const z = (Math.abs(u1 - (n1 * n2) / 2) - 0.5) / sigma;
  return { u, p: Math.min(1, 2 * (1 - normalCdf(Math.max(0, z)))) };
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26 erf approximation). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erf =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-x * x);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
