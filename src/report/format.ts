// Number formatting shared by every renderer, so a figure reads the same in the table, text, markdown and HTML.
import type { Ratio, Stat } from './schema.ts';

/** Seconds with sensible precision: 0.123 s, 12.3 s, 123 s. */
export function secs(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  const a = Math.abs(value);
  return `${a >= 100 ? value.toFixed(0) : a >= 10 ? value.toFixed(1) : a >= 1 ? value.toFixed(2) : value.toFixed(3)} s`;
}

/** A ratio like 14.2x. */
export function times(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '-';
  return `${value >= 10 ? value.toFixed(1) : value.toFixed(2)}x`;
}

/** A ratio with its CI: "14.2x (13.5-15.0)". */
export function ratioWithCi(r: Ratio | null): string {
  return r ? `${times(r.ratio)} (${times(r.ciLow).replace('x', '')}-${times(r.ciHigh)})` : '-';
}

/** Median of a stat. */
export function med(s: Stat | null): string {
  return secs(s?.median);
}

/** Mean ± sd. */
export function meanSd(s: Stat | null): string {
  return s ? `${secs(s.mean)} ± ${secs(s.sd).replace(' s', '')}` : '-';
}

/** min-max. */
export function range(s: Stat | null): string {
  return s ? `${secs(s.min).replace(' s', '')}-${secs(s.max)}` : '-';
}

/** 95% CI of the mean. */
export function ci(s: Stat | null): string {
  return s ? `${secs(s.ciLow).replace(' s', '')}-${secs(s.ciHigh)}` : '-';
}

/** Relative spread: sd / mean in percent. */
export function spread(s: Stat | null): string {
  return s && s.mean > 0 && s.n > 1 ? `±${((100 * s.sd) / s.mean).toFixed(0)}%` : '-';
}

/** KiB as MiB. */
export function mib(kib: number | null | undefined): string {
  return kib === null || kib === undefined ? '-' : `${(kib / 1024).toFixed(1)} MiB`;
}
