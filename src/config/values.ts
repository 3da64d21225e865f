// Parsers for option values (counts, durations, sizes); each failure is a UserError naming the flag.
import { UserError } from '../cli/errors.ts';

/** Parses a whole number >= `min` for `flag`. */
export function parseCount(value: string, flag: string, min: number): number {
  const text = value.trim();
  if (!/^-?\d+$/.test(text)) throw new UserError(`${flag} must be a whole number, got '${value}'`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) throw new UserError(`${flag} must be at least ${min}, got ${value}`);
  return n;
}

const DURATION_UNITS: Record<string, number> = { us: 1e-6, µs: 1e-6, ms: 1e-3, s: 1, m: 60, min: 60, h: 3600 };

/** Parses a duration like 2ms, 0.5ms, 30s, 10m (a bare number is seconds) into seconds. */
export function parseDuration(value: string, flag: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-zµ]*)\s*$/i.exec(value);
  const unit = match?.[2]?.toLowerCase() || 's';
  const factor = DURATION_UNITS[unit];
  if (!match || factor === undefined) throw new UserError(`${flag} must be a duration like 2ms, 30s or 10m, got '${value}'`);
  return Number(match[1]) * factor;
}

const SIZE_UNITS: Record<string, number> = { '': 1, b: 1, k: 1024, kib: 1024, m: 1024 ** 2, mib: 1024 ** 2, g: 1024 ** 3, gib: 1024 ** 3, t: 1024 ** 4, tib: 1024 ** 4 };

/** Parses a size like 256M, 4G, 1.5GiB (binary units) into bytes, at least `min`. */
export function parseSize(value: string, flag: string, min = 1): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const factor = SIZE_UNITS[match?.[2]?.toLowerCase() ?? 'x'];
  if (!match || factor === undefined) throw new UserError(`${flag} must be a size like 256M or 4G, got '${value}'`);
  const bytes = Math.round(Number(match[1]) * factor);
  if (bytes < min) throw new UserError(`${flag} must be at least ${formatBytes(min)}, got ${value}`);
  return bytes;
}

/** Bytes as a --image-size style value in whole MiB, e.g. "256M" (the inverse of parseSize for such sizes). */
export function sizeFlag(bytes: number): string {
  return `${Math.round(bytes / 1024 ** 2)}M`;
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

/** Splits repeated and comma-separated flag values into one list. */
export function listValues(values: readonly string[] | undefined): string[] {
  return (values ?? []).flatMap((v) => v.split(',')).map((s) => s.trim()).filter(Boolean);
}
