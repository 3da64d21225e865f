// Target directories: the validator, the free-space check, and the harness's own work folder inside each.
import { accessSync, constants, existsSync, mkdtempSync, rmSync, type Stats, statfsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../model/errors.ts';
import { formatBytes } from '../model/units.ts';

/** Prefix of the work folders the harness creates (and alone removes). */
export const WORK_DIR_PREFIX = 'qcb-work-';

/** Checks that `dir` exists, is a directory and is writable; throws a one-line UserError otherwise. */
export function validateTargetDir(dir: string): void {
  let stat: Stats;
  try {
    stat = statSync(dir);
  } catch {
    throw new UserError(`target dir not found: ${dir}; create it or pass an existing directory to --target-dir`);
  }
  if (!stat.isDirectory()) throw new UserError(`--target-dir ${dir} is not a directory; pass a directory`);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError(
      `target dir ${dir} is not writable (${code === 'EROFS' ? 'read-only file system' : code}); pass a writable ` +
        `directory to --target-dir`,
    );
  }
}

/** Bytes free for this user on the file system holding `dir` (or its nearest existing parent). */
export function freeBytes(dir: string): number {
  let path = dir;
  while (!existsSync(path) && dirname(path) !== path) path = dirname(path);
  const fs = statfsSync(path);
  return fs.bavail * fs.bsize;
}

/** Throws when `dir`'s file system has less than `needed` bytes free. */
export function checkFreeSpace(dir: string, needed: number, what: string): void {
  const free = freeBytes(dir);
  if (free < needed) {
    throw new UserError(
      `not enough space in ${dir}: ${formatBytes(free)} free, ${what} can need ${formatBytes(needed)}; free some ` +
        `space or pass another --target-dir`,
    );
  }
}

/** Creates the harness's own work folder inside `dir`. */
export function createWorkDir(dir: string): string {
  return mkdtempSync(join(dir, WORK_DIR_PREFIX));
}

/** Removes a work folder the harness created (only ever one whose name it chose). */
export function removeWorkDir(workDir: string): void {
  if (!workDir.split('/').pop()?.startsWith(WORK_DIR_PREFIX)) return;
  rmSync(workDir, { recursive: true, force: true });
}
