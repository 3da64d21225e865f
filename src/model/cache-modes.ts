// qemu-img's cache modes: the names, what each does to flushing, and the --modes/--src-cache validators.
import { UsageError } from './errors.ts';

/** The cache modes qemu-img accepts for -t and -T, in the order reports show them. */
export const CACHE_MODES = ['writethrough', 'writeback', 'none', 'unsafe', 'directsync'] as const;

/** A qemu-img cache mode. */
export type CacheMode = (typeof CACHE_MODES)[number];

/** What each mode does, in a line, for reports. */
export const CACHE_MODE_MEANING: Record<CacheMode, string> = {
  writethrough: 'page cache, flush (fdatasync) after every write',
  writeback: 'page cache, one flush when the conversion completes',
  none: 'O_DIRECT (bypasses page cache), one flush at the end',
  unsafe: 'page cache, never flushes: data may still be dirty when qemu-img exits',
  directsync: 'O_DIRECT and a flush after every write',
};

/** Parses a comma-separated list of cache modes for `flag`; unknown names are a UsageError. */
export function parseCacheModes(value: string, flag: string): CacheMode[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (names.length === 0) throw new UsageError(`${flag} is empty; give one or more of ${CACHE_MODES.join(', ')}`);
  const out: CacheMode[] = [];
  for (const name of names) {
    if (!(CACHE_MODES as readonly string[]).includes(name)) {
      throw new UsageError(`unknown cache mode '${name}' in ${flag}; use one or more of ${CACHE_MODES.join(', ')}`);
    }
    if (out.includes(name as CacheMode)) throw new UsageError(`${flag} lists ${name} twice; give each mode once`);
    out.push(name as CacheMode);
  }
  return out;
}

/** Orders modes as CACHE_MODES does, so every table and chart shows them alike. */
export function modeOrder(a: string, b: string): number {
  const rank = (m: string) => {
    const i = (CACHE_MODES as readonly string[]).indexOf(m);
    return i === -1 ? CACHE_MODES.length : i;
  };
  return rank(a) - rank(b);
}
