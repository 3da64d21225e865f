// Storage facts of a path: file system type, mount options, block device, rotational flag, I/O scheduler.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { type Mount, parseMountInfo } from '../model/mountinfo.ts';
import type { StorageFacts } from '../model/results.ts';

/** The mount holding `path`: the longest mount point that prefixes it (last mounted wins). */
export function mountFor(path: string, mounts: Mount[]): Mount | null {
  let best: Mount | null = null;
  for (const m of mounts) {
    const prefix = m.mountPoint === '/' ? '/' : `${m.mountPoint}/`;
    if (path === m.mountPoint || path.startsWith(prefix)) {
      if (!best || m.mountPoint.length >= best.mountPoint.length) best = m;
    }
  }
  return best;
}

function readSys(path: string): string | null {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return null;
  }
}

/** Whole-disk sysfs name for a block device path like /dev/vda1 (partition -> parent), or null. */
export function wholeDisk(source: string): string | null {
  if (!source.startsWith('/dev/')) return null;
  let name: string;
  try {
    name = basename(realpathSync(source));
  } catch {
    name = basename(source);
  }
  const sys = `/sys/class/block/${name}`;
  if (!existsSync(sys)) return null;
  if (existsSync(`${sys}/partition`)) return basename(dirname(realpathSync(sys)));
  return name;
}

/** Collects the storage facts of `path`. */
export function storageFacts(path: string): StorageFacts {
  let real = path;
  try {
    real = realpathSync(path);
  } catch {
    /* keep as given */
  }
  const mount = mountFor(real, parseMountInfo(readSys('/proc/self/mountinfo') ?? ''));
  return {
    path,
    mountPoint: mount?.mountPoint ?? null,
    fsType: mount?.fsType ?? null,
    mountOptions: mount?.options ?? null,
    source: mount?.source ?? null,
    ...diskFacts(mount ? wholeDisk(mount.source) : null),
  };
}

/** The sysfs facts of a whole disk (or nulls without one). */
function diskFacts(disk: string | null): Pick<StorageFacts, 'blockDevice' | 'rotational' | 'scheduler' | 'model'> {
  const scheduler = disk ? readSys(`/sys/block/${disk}/queue/scheduler`) : null;
  const rotational = disk ? readSys(`/sys/block/${disk}/queue/rotational`) : null;
  return {
    blockDevice: disk,
    rotational: rotational === null ? null : rotational === '1',
    scheduler: scheduler ? (/\[([^\]]+)\]/.exec(scheduler)?.[1] ?? scheduler) : null,
    model: disk ? readSys(`/sys/block/${disk}/device/model`) : null,
  };
}

/** Storage facts of a block-device target: the device itself (no file system of ours on it). */
export function deviceStorageFacts(device: string): StorageFacts {
  return {
    path: device,
    mountPoint: null,
    fsType: null,
    mountOptions: null,
    source: device,
    ...diskFacts(wholeDisk(device)),
  };
}
