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

/** Splits repeated and comma-separated flag values into one list. */
export function listValues(values: readonly string[] | undefined): string[] {
  return (values ?? [])
    .flatMap((v) => v.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
}
