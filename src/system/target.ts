// Target directories: the validator, the free-space check, and the harness's own work folder inside each.
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  lstatSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readlinkSync,
  rmSync,
  type Stats,
  statfsSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { EnvironmentError, UsageError } from '../model/errors.ts';
import { formatBytes } from '../model/units.ts';
import { ownerAlive, ownerText, parseOwner, selfOwner } from './owner.ts';
import { readText } from './read-text.ts';

/** Prefix of the work folders the harness creates (and alone removes). */
export const WORK_DIR_PREFIX = 'qcb-work-';

/** Checks that `dir` exists, is a directory and is writable; throws a one-line UsageError otherwise. */
export function validateTargetDir(dir: string): void {
  let stat: Stats;
  try {
    stat = statSync(dir);
  } catch {
    throw new UsageError(`target dir not found: ${dir}; create it or pass an existing directory to --target-dir`);
  }
  if (!stat.isDirectory()) throw new UsageError(`--target-dir ${dir} is not a directory; pass a directory`);
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new EnvironmentError(
      `target dir ${dir} is not writable (${code === 'EROFS' ? 'read-only file system' : code}); pass a writable ` +
        `directory to --target-dir`,
    );
  }
}

/**
 * An EnvironmentError unless this user can write the cache `dir` (or create it: its nearest existing parent is
 * writable), naming QCB_CACHE_DIR, before anything is built or measured.
 */
export function validateCacheDir(dir: string): void {
  let path = dir;
  while (!existsSync(path) && dirname(path) !== path) path = dirname(path);
  try {
    accessSync(path, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new EnvironmentError(
      `cannot write the cache ${dir} (${code} on ${path}); set QCB_CACHE_DIR to a writable folder`,
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
    throw new EnvironmentError(
      `not enough space in ${dir}: ${formatBytes(free)} free, ${what} can need ${formatBytes(needed)}; free some ` +
        `space, pass another --target-dir, or --skip-space-check`,
    );
  }
}

/** The marker in each work folder naming the process that made it. */
export const WORK_OWNER_FILE = '.qcb-owner';

/** Creates the harness's own work folder inside `dir`, with a marker naming this process as its owner. */
export function createWorkDir(dir: string): string {
  const workDir = mkdtempSync(join(dir, WORK_DIR_PREFIX));
  writeFileSync(join(workDir, WORK_OWNER_FILE), ownerText(selfOwner()));
  return workDir;
}

/** Removes a work folder the harness created (only ever one whose name it chose). */
export function removeWorkDir(workDir: string): void {
  if (!basename(workDir).startsWith(WORK_DIR_PREFIX)) return;
  rmSync(workDir, { recursive: true, force: true });
}

/** Removes a conversion's output or a probe's file: only ever a regular file, never a device node or a folder. */
export function removeOutputFile(path: string): void {
  try {
    if (!lstatSync(path).isFile()) return;
  } catch {
    return;
  }
  rmSync(path, { force: true });
}

/** Bytes allocated on disk for one regular file (sparse holes not counted), or null (unreadable, a device). */
export function fileAllocatedBytes(path: string): number | null {
  try {
    const stat = statSync(path);
    return stat.isFile() ? stat.blocks * 512 : null;
  } catch {
    return null;
  }
}

/** Bytes allocated under `path` (files and folders, not following links). */
function allocatedBytes(path: string): number {
  const stat = lstatSync(path);
  if (!stat.isDirectory()) return stat.blocks * 512;
  return readdirSync(path).reduce((sum, name) => sum + allocatedBytes(join(path, name)), stat.blocks * 512);
}

/** True when `workDir`'s owner marker names a process that no longer runs (no marker: not provably ours, false). */
export function workDirOwnerDead(workDir: string): boolean {
  const text = readText(join(workDir, WORK_OWNER_FILE));
  const owner = text === null ? null : parseOwner(text);
  return owner !== null && !ownerAlive(owner);
}

/** Processes holding a file open inside `dir` (from /proc/PID/fd): their PIDs and command names. */
export function processesUsing(dir: string): { pid: number; name: string }[] {
  const found: { pid: number; name: string }[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue; // gone, or not ours to look at
    }
    const holds = fds.some((fd) => {
      try {
        return readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith(`${dir}/`);
      } catch {
        return false;
      }
    });
    if (holds) found.push({ pid, name: readText(`/proc/${pid}/comm`)?.trim() ?? '?' });
  }
  return found;
}

/**
 * Removes the work folders in `dir` left by runs that died (killed, OOM, reboot): only folders named like ours whose
 * owner marker names a process that no longer runs. A process still writing there (a qemu-img whose harness was
 * killed alone) is killed first, so nothing is measured beside it. Returns how many folders, the bytes freed and the
 * processes killed.
 */
export function removeDeadWorkDirs(dir: string): { count: number; bytes: number; killed: string[] } {
  let count = 0;
  let bytes = 0;
  const killed: string[] = [];
  for (const name of readdirSync(dir)) {
    if (!name.startsWith(WORK_DIR_PREFIX)) continue;
    const path = join(dir, name);
    if (!workDirOwnerDead(path)) continue;
    for (const p of processesUsing(path)) {
      try {
        process.kill(p.pid, 'SIGKILL');
        killed.push(`${p.name} (PID ${p.pid})`);
      } catch {
        /* gone meanwhile */
      }
    }
    bytes += allocatedBytes(path);
    rmSync(path, { recursive: true, force: true });
    count++;
  }
  return { count, bytes, killed };
}

/**
 * Whether `path` opens with O_DIRECT, as the projects check it: a block device or a source file is opened for reading;
 * a directory gets a test file of a random name (created exclusively, never through a symlink, removed at once).
 */
export function opensWithODirect(path: string): 'works' | 'refused' {
  const dir = statSync(path).isDirectory();
  const file = dir ? join(path, `.odirect-${randomBytes(6).toString('hex')}.tmp`) : path;
  const flags = dir
    ? constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW | constants.O_DIRECT
    : constants.O_RDONLY | constants.O_DIRECT;
  try {
    closeSync(openSync(file, flags, 0o600));
    return 'works';
  } catch {
    return 'refused';
  } finally {
    if (dir) rmSync(file, { force: true });
  }
}
