// A lock file per target dir, so two harness processes never measure on the same storage at once.
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../model/errors.ts';

/** Name of the lock file the harness puts in a target dir while it runs. */
export const LOCK_NAME = '.qemu-cache-bench.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock of `dir`; a live holder is a UserError, a dead one's stale lock is taken over (reported through
 * `note`).
 */
export function acquireLock(dir: string, note: (message: string) => void): () => void {
  const path = join(dir, LOCK_NAME);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(path, `${process.pid}\n`, { flag: 'wx' });
      return () => {
        try {
          if (readFileSync(path, 'utf8').trim() === String(process.pid)) rmSync(path, { force: true });
        } catch {
          /* already gone */
        }
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST')
        throw new UserError(
          `cannot create lock file in ${dir} (${(error as NodeJS.ErrnoException).code}); pass a writable --target-dir`,
        );
      const holder = Number.parseInt(readFileSync(path, 'utf8'), 10);
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && alive(holder)) {
        throw new UserError(
          `target dir ${dir} is in use by another qemu-cache-bench (PID ${holder}); wait for it or pass another ` +
            `--target-dir`,
        );
      }
      note(`taking over a stale lock in ${dir} (PID ${Number.isNaN(holder) ? '?' : holder} is gone)`);
      rmSync(path, { force: true });
    }
  }
  throw new UserError(`cannot take the lock in ${dir}; remove ${path} if no qemu-cache-bench is running`);
}
