// Reading small kernel and state files that may be missing: /proc, /sys, cgroup files, lock and marker files.
import { readFileSync } from 'node:fs';

/** The text of `path`, or null when it cannot be read. */
export function readText(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

/** The trimmed text of `path` (a sysfs value), or null when it cannot be read. */
export function readValue(path: string): string | null {
  return readText(path)?.trim() ?? null;
}
