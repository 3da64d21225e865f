// Block-device targets: the --target-device validator, loop devices over a sparse file the harness owns (attach,
// zero, detach), and the release of loop devices that runs which died left attached.
import { closeSync, constants, existsSync, openSync, readdirSync, statSync, truncateSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { EnvironmentError, UsageError } from '../model/errors.ts';
import type { RunCase } from '../model/results.ts';
import { formatBytes } from '../model/units.ts';
import { readValue } from './read-text.ts';
import { runProcess } from './spawn.ts';
import { WORK_DIR_PREFIX, workDirOwnerDead } from './target.ts';

/** A block device the harness writes: its size and, for a loop device, the file behind it (as results record it). */
export type BlockTarget = NonNullable<RunCase['device']>;

/** The name of the loop file inside a work folder. */
export const LOOP_FILE = 'loop.img';

/** The sysfs folder of a block device node, or null when `path` is not a block device. */
function sysBlock(path: string): string | null {
  const stat = statSync(path);
  if (!stat.isBlockDevice()) return null;
  const major = Number((BigInt(stat.rdev) >> 8n) & 0xfffn);
  const minor = Number((BigInt(stat.rdev) & 0xffn) | ((BigInt(stat.rdev) >> 12n) & 0xfff00n));
  return `/sys/dev/block/${major}:${minor}`;
}

/** Size of a block device in bytes (sysfs counts 512-byte sectors), or null when unreadable. */
export function blockDeviceSize(path: string): number | null {
  const sys = sysBlock(path);
  const sectors = sys ? readValue(`${sys}/size`) : null;
  return sectors === null ? null : Number(sectors) * 512;
}

/** Why `path` cannot be opened exclusively (mounted, held by LVM/md or another exclusive opener), or null. */
function busyReason(path: string): string | null {
  try {
    closeSync(openSync(path, constants.O_RDONLY | constants.O_EXCL));
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'EBUSY' ? 'it is in use (mounted, or held by another program)' : `it cannot be opened (${code})`;
  }
}

/**
 * Checks a --target-device: an existing block device, confirmed by `--i-know-this-overwrites` with the same path,
 * not in use, and at least `needed` bytes. Throws a one-line UsageError; writes nothing.
 */
export function validateTargetDevice(path: string, confirmed: readonly string[], needed: number): void {
  if (!confirmed.includes(path)) {
    throw new UsageError(
      `--target-device ${path} overwrites that device; if you mean it, add --i-know-this-overwrites ${path}`,
    );
  }
  let sys: string | null;
  try {
    sys = sysBlock(path);
  } catch (error) {
    throw new UsageError(`--target-device ${path}: ${(error as NodeJS.ErrnoException).code}; pass a block device`);
  }
  if (!sys) throw new UsageError(`--target-device ${path} is not a block device; pass one like /dev/sdX or /dev/vdX`);
  const busy = busyReason(path);
  if (busy) throw new UsageError(`--target-device ${path}: ${busy}; pass a device nothing else uses`);
  const size = blockDeviceSize(path) ?? 0;
  if (size < needed) {
    throw new UsageError(
      `--target-device ${path} holds ${formatBytes(size)}, the image needs ${formatBytes(needed)}; ` +
        'pass a larger device',
    );
  }
}

/** Checks a --target-loop folder: root (losetup needs it) and a loop-control device. */
export function validateLoopSupport(isRoot: boolean): void {
  if (!isRoot)
    throw new EnvironmentError('--target-loop attaches a loop device, which needs root; run as root or drop it');
  if (!existsSync('/dev/loop-control')) {
    throw new EnvironmentError(
      '--target-loop: this kernel has no /dev/loop-control (loop module); load it or drop the flag',
    );
  }
}

/** Makes the loop file all holes again (every byte reads as zero), so each run starts from an empty device. */
export function zeroLoopFile(file: string, size: number): void {
  truncateSync(file, 0);
  truncateSync(file, size);
}

/** Creates a new file (never one that exists, never through a link) of `size` bytes, all holes: an empty volume. */
export function createSparseFile(file: string, size: number): void {
  closeSync(openSync(file, 'wx'));
  truncateSync(file, size);
}

/** Creates a sparse file of `size` bytes in `workDir` and attaches a loop device over it (direct I/O when possible). */
export async function attachLoop(workDir: string, size: number): Promise<BlockTarget> {
  const file = join(workDir, LOOP_FILE);
  createSparseFile(file, size);
  return attachLoopOver(file, size, true);
}

/**
 * Attaches a loop device over an existing `file` of `size` bytes; `directIo` asks for direct I/O (the power-cut file
 * system's file is attached without: the loop then forwards the device's flushes as fsync of the file).
 */
export async function attachLoopOver(file: string, size: number, directIo: boolean): Promise<BlockTarget> {
  const result = await runProcess('losetup', ['--find', '--show', ...(directIo ? ['--direct-io=on'] : []), file], {
    captureStdout: true,
    timeoutSeconds: 30,
  });
  const path = result.stdout.trim();
  if (!result.ok || !path.startsWith('/dev/')) {
    throw new EnvironmentError(`losetup could not attach a loop device: ${result.stderrTail.trim() || 'no device'}`);
  }
  const dio = readValue(`/sys/block/${basename(path)}/loop/dio`);
  return { path, sizeBytes: size, loopFile: file, loopDirectIo: dio === null ? null : dio === '1' };
}

/** Detaches a loop device; true when it is gone. */
export async function detachLoop(device: string): Promise<boolean> {
  const result = await runProcess('losetup', ['--detach', device], { timeoutSeconds: 30 });
  return result.ok;
}

/** Loop devices and their backing files, from sysfs. */
export function attachedLoops(): { device: string; backingFile: string }[] {
  let names: string[];
  try {
    names = readdirSync('/sys/block').filter((n) => n.startsWith('loop'));
  } catch {
    return [];
  }
  return names.flatMap((name) => {
    const backing = readValue(`/sys/block/${name}/loop/backing_file`);
    return backing ? [{ device: `/dev/${name}`, backingFile: backing }] : [];
  });
}

/**
 * Whether a loop's backing file is a harness loop file left by a run that died: a `loop.img` under a `qcb-work-*`
 * folder whose owner no longer runs, or one already deleted (its folder was removed while it stayed attached).
 */
export function isOrphanLoopFile(backingFile: string, ownerDead: (workDir: string) => boolean): boolean {
  const deleted = backingFile.endsWith(' (deleted)');
  const file = deleted ? backingFile.slice(0, -' (deleted)'.length) : backingFile;
  if (basename(file) !== LOOP_FILE) return false;
  // The work folder holding it: its parent, or for the power-cut check's loop (qcb-work-*/power-cut/mnt) further up.
  let workDir = dirname(file);
  while (!basename(workDir).startsWith(WORK_DIR_PREFIX) && dirname(workDir) !== workDir) workDir = dirname(workDir);
  if (!basename(workDir).startsWith(WORK_DIR_PREFIX)) return false;
  return deleted || ownerDead(workDir);
}

/** Detaches the loop devices runs that died left attached to their loop files; returns the devices detached. */
export async function releaseDeadLoops(): Promise<string[]> {
  const released: string[] = [];
  for (const loop of attachedLoops()) {
    if (!isOrphanLoopFile(loop.backingFile, workDirOwnerDead)) continue;
    if (await detachLoop(loop.device)) released.push(loop.device);
  }
  return released;
}
