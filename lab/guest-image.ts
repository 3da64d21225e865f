// The lab's guest: a Debian bookworm root made by debootstrap from Debian's packages only, its kernel and initrd,
// built once and cached by a hash of this recipe under the tool's cache folder (QCB_CACHE_DIR or ~/.cache/...).
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statfsSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { cacheRoot } from '../src/config/paths.ts';

/** The debootstrap command ($QCB_LAB_DEBOOTSTRAP overrides it: a test names a missing one). */
export const DEBOOTSTRAP = process.env.QCB_LAB_DEBOOTSTRAP ?? 'debootstrap';

/** Debian release of the guest: the one the design notes measured (kernel 6.1). */
export const SUITE = 'bookworm';

/** Packages the scenarios need in the guest (the kernel, udev, NFS server and client, LVM, tgt, open-iscsi, ...). */
export const GUEST_PACKAGES = [
  'linux-image-amd64',
  'udev',
  'kmod',
  'procps',
  'iproute2',
  'util-linux',
  'mount',
  'e2fsprogs',
  'xfsprogs',
  'nfs-kernel-server',
  'nfs-common',
  'lvm2',
  'thin-provisioning-tools',
  'tgt',
  'open-iscsi',
  'qemu-utils',
  'strace',
];

/** Size of the guest's root disk: the base system (~1 GiB), the tool, images, NFS exports and outputs. */
const ROOT_DISK_SIZE = '6G';

/** PID 1 of the guest, baked into the root: mounts the kernel's file systems and the 9p share, runs its script. */
export const GUEST_INIT = `#!/bin/sh
# qemu-cache-bench lab guest: PID 1. Runs /lab/guest.sh from the host's share, then powers off.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8
mount -t proc proc /proc; mount -t sysfs sysfs /sys; mount -t devtmpfs devtmpfs /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm /run/lock; mount -t devpts devpts /dev/pts; mount -t tmpfs tmpfs /run
mkdir -p /run/lock; mount -t tmpfs tmpfs /dev/shm; mount -t tmpfs tmpfs /tmp
mount -o remount,rw /; hostname lab; echo 1 > /proc/sys/kernel/sysrq
modprobe 9pnet_virtio; mkdir -p /lab
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,cache=none lab /lab
echo "LAB: init up, kernel $(uname -r)"
sh /lab/guest.sh; rc=$?
echo "LAB: exit $rc"
sync; umount /lab 2>/dev/null; echo o > /proc/sysrq-trigger; sleep 30
`;

/**
 * Where the lab keeps its guests and probes: $QCB_LAB_CACHE_DIR, else the user's cache folder (not $QCB_CACHE_DIR,
 * which CI points into its fresh clone): the guest is built once per machine, not once per checkout.
 */
export function labCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.QCB_LAB_CACHE_DIR) return env.QCB_LAB_CACHE_DIR;
  return join(cacheRoot({ ...env, QCB_CACHE_DIR: undefined }), 'lab');
}

/** The files of a built guest. */
export interface GuestImage {
  /** Folder of this recipe's build. */
  dir: string;
  kernel: string;
  initrd: string;
  /** Raw ext4 image of the root, opened read-only by the guest (snapshot=on). */
  rootDisk: string;
  /** Hash of the recipe: packages, suite, init and disk size. */
  recipe: string;
}

/** The recipe's hash: a guest built from another recipe is another folder. */
export function recipeHash(): string {
  const text = JSON.stringify({ SUITE, GUEST_PACKAGES, GUEST_INIT, ROOT_DISK_SIZE, mirror: mirror() });
  return createHash('sha256').update(text).digest('hex').slice(0, 12);
}

/** The Debian mirror apt uses here (its sources), else Debian's own. */
function mirror(): string {
  for (const file of ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list']) {
    const text = existsSync(file) ? readFileSync(file, 'utf8') : '';
    const uri = /^URIs:\s*(\S+)/m.exec(text)?.[1] ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+\S+\s+main/m.exec(text)?.[1];
    if (uri && !uri.includes('security')) return uri;
  }
  return 'http://deb.debian.org/debian';
}

/** The cached guest of this recipe, or null when it has not been built. */
export function cachedGuest(cache: string = labCacheDir()): GuestImage | null {
  const image = guestPaths(cache);
  return existsSync(join(image.dir, 'complete')) ? image : null;
}

function guestPaths(cache: string): GuestImage {
  const recipe = recipeHash();
  const dir = join(cache, `guest-${SUITE}-${recipe}`);
  return {
    dir,
    kernel: join(dir, 'vmlinuz'),
    initrd: join(dir, 'initrd.img'),
    rootDisk: join(dir, 'root.img'),
    recipe,
  };
}

/** Whether a process of this PID is alive (a lock's owner). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Waits for another live process's build of this guest (its PID in `lock`): the tests start one in the background
 * (test/lab/global-setup.ts) while the other tests run. Returns the guest when that build completed, else null.
 */
async function awaitOtherBuild(lock: string, cache: string, log: (line: string) => void): Promise<GuestImage | null> {
  const pid = Number(readFileSync(lock, 'utf8').trim());
  if (!alive(pid)) return null;
  log(`waiting for the guest build of process ${pid}`);
  while (alive(pid) && !cachedGuest(cache)) await new Promise((r) => setTimeout(r, 2000));
  return cachedGuest(cache);
}

/** Where debootstrap writes the root: RAM (/dev/shm) when it has room, so dpkg's syncs do not load the disk. */
function rootFolder(work: string): string {
  const shm = '/dev/shm';
  const free = existsSync(shm) ? statfsSync(shm) : null;
  if (free && free.bavail * free.bsize > 4 * 1024 ** 3) return mkdtempSync(join(shm, 'qcb-lab-root-'));
  return join(work, 'root');
}

/**
 * Builds the guest (debootstrap, kernel and initrd out of its /boot, `mkfs.ext4 -d` of the root) unless cached or
 * another process is building it (then waits for that build); a half-built folder of an earlier run is removed
 * first. Needs root, debootstrap and e2fsprogs. About 4 minutes.
 */
export async function buildGuest(
  cache: string = labCacheDir(),
  log: (line: string) => void = () => {},
  signal?: AbortSignal,
): Promise<GuestImage> {
  const cached = cachedGuest(cache);
  if (cached) return cached;
  const image = guestPaths(cache);
  const lock = `${image.dir}.lock`;
  if (existsSync(lock)) {
    const built = await awaitOtherBuild(lock, cache, log);
    if (built) return built;
    rmSync(lock, { force: true });
  }
  try {
    writeFileSync(lock, `${process.pid}\n`, { flag: 'wx' });
  } catch {
    return buildGuest(cache, log, signal); // another process took the lock between the check and now
  }
  const work = `${image.dir}.building`;
  rmSync(work, { recursive: true, force: true });
  rmSync(image.dir, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const root = rootFolder(work);
  try {
    log(`building the lab guest (debootstrap ${SUITE}, ${GUEST_PACKAGES.length} packages; about 4 minutes)`);
    const include = `--include=${GUEST_PACKAGES.join(',')}`;
    await execa(DEBOOTSTRAP, ['--variant=minbase', include, SUITE, root, mirror()], {
      all: true,
      cancelSignal: signal,
    });
    writeFileSync(join(root, 'sbin/lab-init'), GUEST_INIT, { mode: 0o755 });
    writeFileSync(join(root, 'etc/hostname'), 'lab\n');
    writeFileSync(join(root, 'etc/fstab'), '# the lab guest mounts its file systems in /sbin/lab-init\n');
    const boot = (await execa('ls', [join(root, 'boot')])).stdout.split('\n');
    const kernel = boot.find((f) => f.startsWith('vmlinuz-'));
    const initrd = boot.find((f) => f.startsWith('initrd.img-'));
    if (!kernel || !initrd) throw new Error(`no kernel or initrd in the guest's /boot (${boot.join(' ')})`);
    await execa('cp', [join(root, 'boot', kernel), join(work, 'vmlinuz')]);
    await execa('cp', [join(root, 'boot', initrd), join(work, 'initrd.img')]);
    await execa('mkfs.ext4', ['-q', '-F', '-L', 'labroot', '-d', root, join(work, 'root.img'), ROOT_DISK_SIZE]);
    rmSync(root, { recursive: true, force: true });
    writeFileSync(join(work, 'complete'), `${new Date().toISOString()} ${kernel}\n`);
    renameSync(work, image.dir);
    return image;
  } catch (error) {
    rmSync(work, { recursive: true, force: true });
    throw error;
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(lock, { force: true });
  }
}
