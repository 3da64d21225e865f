// Storage facts of a path: file system type, mount options, block device, rotational flag, I/O scheduler, and what
// the storage is beneath: NFS (server, export, version, the export's sync/async), device-mapper/LVM, iSCSI.
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { mountFor, parseMountInfo } from '../model/mountinfo.ts';
import type { StorageFacts } from '../model/results.ts';
import { dmFacts, iscsiFacts, nfsFacts, transportOf } from './storage-kind.ts';

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
  const name = basename(realpathOr(source) ?? source);
  const sys = `/sys/class/block/${name}`;
  if (!existsSync(sys)) return null;
  if (existsSync(`${sys}/partition`)) return basename(dirname(realpathSync(sys)));
  return name;
}

/** Collects the storage facts of `path`. */
export function storageFacts(path: string): StorageFacts {
  const real = realpathOr(path) ?? path;
  const mount = mountFor(real, parseMountInfo(readSys('/proc/self/mountinfo') ?? ''));
  return {
    path,
    mountPoint: mount?.mountPoint ?? null,
    fsType: mount?.fsType ?? null,
    mountOptions: mount?.options ?? null,
    source: mount?.source ?? null,
    ...diskFacts(mount ? wholeDisk(mount.source) : null),
    nfs: mount && /^nfs4?$/.test(mount.fsType) ? nfsFacts(mount, readSys('/var/lib/nfs/etab')) : null,
  };
}

/** The sysfs facts of a whole disk (or nulls without one). */
function diskFacts(
  disk: string | null,
): Omit<StorageFacts, 'path' | 'mountPoint' | 'fsType' | 'mountOptions' | 'source'> {
  const scheduler = disk ? readSys(`/sys/block/${disk}/queue/scheduler`) : null;
  const rotational = disk ? readSys(`/sys/block/${disk}/queue/rotational`) : null;
  const sysPath = disk ? realpathOr(`/sys/block/${disk}`) : null;
  return {
    blockDevice: disk,
    rotational: rotational === null ? null : rotational === '1',
    scheduler: scheduler ? (/\[([^\]]+)\]/.exec(scheduler)?.[1] ?? scheduler) : null,
    model: disk ? readSys(`/sys/block/${disk}/device/model`) : null,
    transport: sysPath ? transportOf(sysPath) : null,
    writeCache: disk ? readSys(`/sys/block/${disk}/queue/write_cache`) : null,
    nfs: null,
    dm: disk?.startsWith('dm-') ? dmFacts(disk, sysDm) : null,
    iscsi: sysPath?.includes('/session') ? iscsiFacts(sysPath, readSys) : null,
  };
}

/** The real path of `path` (links resolved), or null when it cannot be resolved. */
function realpathOr(path: string): string | null {
  try {
    return realpathSync(path);
  } catch {
    return null;
  }
}

/** A dm device's mapper name and the names of the dm devices beneath it (sysfs). */
function sysDm(disk: string): { name: string | null; uuid: string | null; under: string[] } {
  let under: string[] = [];
  try {
    under = readdirSync(`/sys/block/${disk}/slaves`).map((d) => readSys(`/sys/block/${d}/dm/name`) ?? d);
  } catch {
    /* no slaves folder */
  }
  return { name: readSys(`/sys/block/${disk}/dm/name`), uuid: readSys(`/sys/block/${disk}/dm/uuid`), under };
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
