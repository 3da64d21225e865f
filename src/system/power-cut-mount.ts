// The power-cut file system's mounts: mounting it over a backing folder, cutting the power (killing it at once, then
// unmounting), and unmounting what a run that died left mounted.
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { EnvironmentError } from '../model/errors.ts';
import { parseMountInfo } from '../model/mountinfo.ts';
import { lastLine } from '../model/qemu-img-command.ts';
import { readText } from './read-text.ts';
import { type ProcessResult, runProcess } from './spawn.ts';
import { WORK_DIR_PREFIX, workDirOwnerDead } from './target.ts';

/** The name (fsname and subtype) our mounts carry, so that leftovers are recognised in /proc/self/mountinfo. */
export const POWER_CUT_FS_NAME = 'qcb-power-cut';
const MOUNT_WAIT_MS = 10_000;

/** A mounted power-cut file system. */
export interface PowerCutMount {
  /** Where the conversion writes. */
  mountpoint: string;
  /** What survives a cut: each file's data and size as its own last flush left them. */
  backing: string;
  /**
   * Cuts the power: kills the file system's process with SIGKILL (so nothing unflushed reaches the backing folder),
   * then unmounts. The same is its only way to unmount: it never writes anything back on exit.
   */
  cut(): Promise<void>;
}

/** Mount points of the file system type `fsType` (e.g. "fuse.qcb-power-cut"), from /proc/self/mountinfo. */
export function mountsOfType(fsType: string, mountinfo = readText('/proc/self/mountinfo') ?? ''): string[] {
  return parseMountInfo(mountinfo)
    .filter((m) => m.fsType === fsType)
    .map((m) => m.mountPoint);
}

const FS_TYPE = `fuse.${POWER_CUT_FS_NAME}`;

function mounted(mountpoint: string): boolean {
  return mountsOfType(FS_TYPE).includes(mountpoint);
}

/** Unmounts `mountpoint` (lazily: a dead file system's mount goes too); true when it is no longer mounted. */
async function unmount(mountpoint: string): Promise<boolean> {
  if (!mounted(mountpoint)) return true;
  await runProcess('umount', ['-l', mountpoint], { timeoutSeconds: 30 });
  if (mounted(mountpoint)) await runProcess('fusermount3', ['-u', '-z', mountpoint], { timeoutSeconds: 30 });
  return !mounted(mountpoint);
}

/**
 * Mounts the power-cut file system `binary` on `<folder>/mnt` over `<folder>/backing` (created when missing; what it
 * holds is the durable state), with a fresh volatile cache in `<folder>/volatile`.
 */
export async function mountPowerCutFs(binary: string, folder: string): Promise<PowerCutMount> {
  const backing = join(folder, 'backing');
  const volatile = join(folder, 'volatile');
  const mountpoint = join(folder, 'mnt');
  for (const dir of [backing, volatile, mountpoint]) mkdirSync(dir, { recursive: true });
  const power = new AbortController();
  const options = `fsname=${POWER_CUT_FS_NAME},subtype=${POWER_CUT_FS_NAME}`;
  let exited: ProcessResult | null = null;
  const running = runProcess(binary, [backing, volatile, mountpoint, '-f', '-s', '-o', options], {
    signal: power.signal,
    killSignal: 'SIGKILL',
  }).then((result) => {
    exited = result;
    return result;
  });
  const cut = async () => {
    power.abort();
    await running;
    const gone = await unmount(mountpoint);
    rmSync(volatile, { recursive: true, force: true });
    if (!gone) throw new EnvironmentError(`cannot unmount ${mountpoint}; run umount -l ${mountpoint}`);
  };
  const deadline = Date.now() + MOUNT_WAIT_MS;
  while (!mounted(mountpoint)) {
    const ended = exited as ProcessResult | null;
    if (ended || Date.now() > deadline) {
      await cut();
      const why = ended ? lastLine(ended.stderrTail) || `exit code ${ended.exitCode}` : 'not mounted within 10 s';
      throw new EnvironmentError(`cannot mount the power-cut file system (${why}); check /dev/fuse, or run as root`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { mountpoint, backing, cut };
}

/**
 * Unmounts the power-cut file systems mounted under `dir` (those `which` takes: default all, as when a work folder is
 * removed); returns their mount points.
 */
export async function unmountPowerCutsUnder(dir: string, which = (_point: string) => true): Promise<string[]> {
  const left = mountsOfType(FS_TYPE).filter((point) => point.startsWith(`${dir}/`) && which(point));
  for (const point of left) await unmount(point);
  return left;
}

/** Unmounts the power-cut file systems left in `dir`'s work folders by runs that died; returns their mount points. */
export function unmountDeadPowerCuts(dir: string): Promise<string[]> {
  return unmountPowerCutsUnder(dir, (point) => {
    const name = point.slice(dir.length + 1).split('/')[0] ?? '';
    return name.startsWith(WORK_DIR_PREFIX) && workDirOwnerDead(join(dir, name));
  });
}
