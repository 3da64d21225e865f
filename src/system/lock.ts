// A lock file per target dir, so two harness processes never measure on the same storage at once. The lock names its
// owner (PID and start time); a dead owner's lock is taken over race-free: the stale file is renamed away (only one
// process's rename succeeds), its owner re-checked, and the new lock created exclusively.
import { randomBytes } from 'node:crypto';
import { closeSync, constants, linkSync, mkdirSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EnvironmentError, LockHeldError, UsageError } from '../model/errors.ts';
import { ownerAlive, ownerText, parseOwner, selfOwner } from './owner.ts';
import { readText } from './read-text.ts';

/** Name of the lock file the harness puts in a target dir while it runs. */
export const LOCK_NAME = '.qemu-cache-bench.lock';

/**
 * Creates the lock exclusively and whole: the owner record is written to a file of its own, then hard-linked to the
 * lock's name (link fails when the name exists), so no other process ever sees a lock half written. False when a
 * lock file already exists.
 */
function create(path: string, text: string, dir: string): boolean {
  const tmp = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  try {
    const fd = openSync(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    try {
      writeSync(fd, text);
    } finally {
      closeSync(fd);
    }
    linkSync(tmp, path);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    throw new EnvironmentError(`cannot create a lock file in ${dir} (${code}); pass a writable --target-dir`);
  } finally {
    rmSync(tmp, { force: true });
  }
}

/**
 * Moves the stale lock whose text was `seen` out of the way. False when another process got there first, or the file
 * now holds someone else's lock (it is put back).
 */
function moveStale(path: string, seen: string): boolean {
  const aside = `${path}.stale.${randomBytes(8).toString('hex')}`;
  try {
    renameSync(path, aside);
  } catch {
    return false;
  }
  if (readText(aside) === seen) {
    rmSync(aside, { force: true });
    return true;
  }
  try {
    linkSync(aside, path); // a live lock taken in between: put it back unless yet another one appeared
  } catch {
    /* a newer lock stands: leave it */
  }
  rmSync(aside, { force: true });
  return false;
}

/**
 * Takes the lock of `dir` (a target or a results folder); a live holder is a LockHeldError, a dead one's lock is taken
 * over (reported through `note`). Returns the release function.
 */
export function acquireLock(
  dir: string,
  note: (message: string) => void,
  purpose: LockHeldError['purpose'] = 'target',
): () => void {
  const path = join(dir, LOCK_NAME);
  const me = ownerText(selfOwner());
  for (let attempt = 0; attempt < 50; attempt++) {
    if (create(path, me, dir)) return () => release(path, me);
    const seen = readText(path);
    if (seen === null) continue;
    const holder = parseOwner(seen);
    if (!holder && youngerThan(path, 5000)) continue; // unreadable but fresh: not provably stale, look again
    if (holder && ownerAlive(holder) && holder.pid !== process.pid) {
      throw new LockHeldError(dir, holder.pid, holder.host, path, purpose);
    }
    if (holder && seen === me) {
      // This very process holds it: the folder was reached by another path (a bind mount, the same NFS export
      // mounted twice, a symbolic link), so two cases would share one folder and its lock.
      throw new UsageError(`${dir} is a folder this run already uses, reached by another path: name it once`);
    }
    if (moveStale(path, seen)) note(`taking over a stale lock in ${dir} (PID ${holder?.pid ?? '?'} is gone)`);
  }
  throw new EnvironmentError(`cannot take the lock in ${dir}; remove ${path} if no qemu-cache-bench is running`);
}

function youngerThan(path: string, ms: number): boolean {
  try {
    return Date.now() - statSync(path).mtimeMs < ms;
  } catch {
    return false;
  }
}

function release(path: string, mine: string): void {
  if (readText(path) === mine) rmSync(path, { force: true });
}

/**
 * Creates and locks the results folder of a run. `unique` (the default name, stamped to the second): the first of DIR,
 * DIR-2, DIR-3, ... that does not exist yet, created exclusively, so two runs started in the same second get a folder
 * each. Otherwise DIR itself (new, empty or an interrupted run's), refused while another live run holds it.
 */
export function claimFolder(
  dir: string,
  unique: boolean,
  note: (message: string) => void,
): { dir: string; release: () => void } {
  if (!unique) {
    mkdirSync(dir, { recursive: true });
    return { dir, release: acquireLock(dir, note, 'results') };
  }
  mkdirSync(dirname(dir), { recursive: true });
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? dir : `${dir}-${n}`;
    try {
      mkdirSync(candidate);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw error;
    }
    return { dir: candidate, release: acquireLock(candidate, note, 'results') };
  }
}
