// Parsers for option values that are not units (counts, lists); each failure is a UsageError naming the flag.
import { UsageError } from '../model/errors.ts';

/** Parses a whole number >= `min` for `flag`. */
export function parseCount(value: string, flag: string, min: number): number {
  const text = value.trim();
  if (!/^-?\d+$/.test(text)) throw new UsageError(`${flag} must be a whole number, got '${value}'`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min) throw new UsageError(`${flag} must be at least ${min}, got ${value}`);
  return n;
}

/** Repeated flag values as one list: split at commas too, unless `split` is false (paths, which may hold a comma). */
export function listValues(values: readonly string[] | undefined, split = true): string[] {
  return (values ?? []).flatMap((v) => (split ? v.split(',').map((s) => s.trim()) : [v])).filter(Boolean);
}
