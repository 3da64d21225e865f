// Units: parsing and formatting of sizes, durations, seconds and ratios, so a figure reads the same everywhere.
import { UsageError } from './errors.ts';
import type { Ratio, Stat } from './results.ts';

/** Rounds to microseconds (6 decimals), as results.json stores times. */
export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

const DURATION_UNITS: Record<string, number> = { us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, min: 60, h: 3600 };

/** Parses a duration like 2ms, 0.5ms, 30s, 10m (a bare number is seconds) into seconds. */
export function parseDuration(value: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zµ]*)\s*$/i.exec(value);
  const unit = match?.[2]?.toLowerCase() || 's';
  const factor = DURATION_UNITS[unit];
  if (!match || factor === undefined)
    throw new UsageError(`${flag} must be a duration like 2ms, 30s or 10m, got '${value}'`);
  return Number(match[1]) * factor;
}

const GIB = 1024 ** 3;
const SIZE_UNITS: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mib: 1024 ** 2,
  g: GIB,
  gib: GIB,
  t: 1024 ** 4,
  tib: 1024 ** 4,
};

/** Parses a size like 256M, 4G, 1.5GiB (binary units) into bytes, at least `min`. */
export function parseSize(value: string, flag: string, min = 1): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const factor = SIZE_UNITS[match?.[2]?.toLowerCase() ?? 'x'];
  if (!match || factor === undefined) throw new UsageError(`${flag} must be a size like 256M or 4G, got '${value}'`);
  const bytes = Math.round(Number(match[1]) * factor);
  if (bytes < min) throw new UsageError(`${flag} must be at least ${formatBytes(min)}, got ${value}`);
  return bytes;
}

/** Bytes as a size flag's value, exact: "4G", "256M", "64K" or plain bytes (the inverse of parseSize). */
export function sizeFlag(bytes: number): string {
  for (const [unit, factor] of [
    ['T', 1024 ** 4],
    ['G', GIB],
    ['M', 1024 ** 2],
    ['K', 1024],
  ] as const) {
    if (bytes >= factor && bytes % factor === 0) return `${bytes / factor}${unit}`;
  }
  return String(bytes);
}

/** Seconds as a duration flag's value that parses back to the same number, e.g. "170s", "0.5s". */
export function durationFlag(seconds: number): string {
  return `${seconds}s`;
}

/** A share as a percentage flag's value, e.g. 0.1 -> "10%" (12 significant digits, so 0.07 stays 7%). */
export function percentFlag(share: number): string {
  return `${Number((share * 100).toPrecision(12))}%`;
}

/** Formats bytes with a binary unit, e.g. "4.0 GiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** A virtual size in words, e.g. "4 GiB" or "256 MiB". */
export function sizeWords(bytes: number): string {
  const gib = bytes / GIB;
  return gib >= 1 ? `${gib.toFixed(gib % 1 ? 1 : 0)} GiB` : `${(gib * 1024).toFixed(0)} MiB`;
}

/** Seconds with sensible precision: 0.123 s, 12.3 s, 123 s. */
export function secs(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  const a = Math.abs(value);
  return `${a >= 100 ? value.toFixed(0) : a >= 10 ? value.toFixed(1) : a >= 1 ? value.toFixed(2) : value.toFixed(3)} s`;
}

/** Milliseconds with three decimals, e.g. "0.231 ms". */
export function millis(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '-' : `${value.toFixed(3)} ms`;
}

/** A ratio like 14.2x. */
export function times(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  return `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}x`;
}

/** Formats a ratio's interval without the ratio: "13.5-15.0x", or "no interval" when too few runs gave none. */
export function intervalText(r: Pick<Ratio, 'ciLow' | 'ciHigh'>): string {
  if (r.ciLow === null || r.ciHigh === null) return 'no interval';
  return `${times(r.ciLow).replace('x', '')}-${times(r.ciHigh)}`;
}

/** A ratio with its interval: "14.2x (13.5-15.0x)". */
export function ratioWithCi(r: Ratio | null): string {
  return r ? `${times(r.ratio)} (${intervalText(r)})` : '-';
}

/** A ratio's interval as a pair for chart whiskers, or null without one. */
export function intervalPair(r: Ratio | null | undefined): [number, number] | null {
  return r && r.ciLow !== null && r.ciHigh !== null ? [r.ciLow, r.ciHigh] : null;
}

/** A p-value: "p = 0.029", "p < 0.001" below that, "-" without one. */
export function pText(p: number | null | undefined): string {
  if (p === null || p === undefined || !Number.isFinite(p)) return '-';
  return p < 0.001 ? 'p < 0.001' : `p = ${p.toFixed(3)}`;
}

/**
 * A speedup in words that stay true below 1: "2.10x faster", or "1.06x slower (speedup 0.94x)"; `show` formats the
 * speedup itself (the ratio alone by default, or with its interval).
 */
export function fasterOrSlower(r: Ratio, show: (r: Ratio) => string = (x) => times(x.ratio)): string {
  return r.ratio >= 1 ? `${show(r)} faster` : `${times(1 / r.ratio)} slower (speedup ${show(r)})`;
}

/** Median of a stat. */
export function med(s: Stat | null): string {
  return secs(s?.median);
}

/** Mean ± sd, both with their unit; the mean alone and why when one run gives no sd. */
export function meanSd(s: Stat | null): string {
  if (!s) return '-';
  return s.n < 2 ? `${secs(s.mean)} (1 run: no sd)` : `${secs(s.mean)} ± ${secs(s.sd)}`;
}

/** min-max. */
export function range(s: Stat | null): string {
  return s ? `${secs(s.min).replace(' s', '')}-${secs(s.max)}` : '-';
}

/** 95% CI of the mean; "-" and why when one run gives none. */
export function ci(s: Stat | null): string {
  if (!s) return '-';
  if (s.n < 2) return '- (1 run)';
  // A time cannot be negative and an interval of width 0 claims a certainty no sample gives: say what there is.
  if (s.sd === 0) return `- (all ${s.n} runs equal)`;
  if (s.ciLow < 0) return `- (too few runs: ${s.n} with ±${((100 * s.sd) / s.mean).toFixed(0)}% spread)`;
  return `${secs(s.ciLow).replace(' s', '')}-${secs(s.ciHigh)}`;
}

/** Relative spread: sd / mean in percent. */
export function spread(s: Stat | null): string {
  return s && s.mean > 0 && s.n > 1 ? `±${((100 * s.sd) / s.mean).toFixed(0)}%` : '-';
}

/** A rate's median in MB/s, e.g. "152 MB/s". */
export function mbps(s: Stat | null): string {
  return s ? `${s.median >= 100 ? s.median.toFixed(0) : s.median.toFixed(1)} MB/s` : '-';
}

/** Bytes in KiB, whole when they are whole: "70 KiB", "70.5 KiB"; "-" for null. */
export function kibText(bytes: number | null): string {
  return bytes === null ? '-' : `${(bytes / 1024).toFixed(bytes % 1024 ? 1 : 0)} KiB`;
}

/** KiB as MiB. */
export function mib(kib: number | null | undefined): string {
  return kib === null || kib === undefined ? '-' : `${(kib / 1024).toFixed(1)} MiB`;
}
