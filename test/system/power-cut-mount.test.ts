// The power-cut file system (scripts/power-cut-fs.c) with small clients (Node's fs, dd): what a cut keeps is exactly
// what each file's own flushes covered.
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  truncateSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensurePowerCutFs } from '../../src/flush/power-cut-check.ts';
import { mountPowerCutFs, mountsOfType, type PowerCutMount } from '../../src/system/power-cut-mount.ts';
import { CAN_MOUNT_FUSE, NEEDS_FUSE } from '../helpers/cli.ts';

const SKIP = !CAN_MOUNT_FUSE;
const WHY = NEEDS_FUSE;
const work = mkdtempSync(join(tmpdir(), 'qcb-power-cut-fs-'));
let binary = '';
let folderCount = 0;
let mounted: PowerCutMount | null = null;

beforeAll(async () => {
  if (!SKIP) binary = await ensurePowerCutFs(join(work, 'cache'));
}, 120_000);

afterEach(async () => {
  await mounted?.cut();
  mounted = null;
});

/** A fresh file system in a folder of its own. */
async function fresh(): Promise<{ fs: PowerCutMount; folder: string }> {
  const folder = join(work, `fs-${++folderCount}`);
  mounted = await mountPowerCutFs(binary, folder);
  return { fs: mounted, folder };
}

/** Cuts the power and mounts the backing folder again: what survived, as a reader sees it. */
async function cutAndRemount(folder: string): Promise<PowerCutMount> {
  await mounted?.cut();
  mounted = await mountPowerCutFs(binary, folder);
  return mounted;
}

function pattern(size: number, seed: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + seed) % 251;
  return b;
}

function writeFile(path: string, data: Buffer, position = 0, flush: 'fsync' | 'fdatasync' | null = null): void {
  const fd = openSync(path, existsSync(path) ? 'r+' : 'w');
  writeSync(fd, data, 0, data.length, position);
  if (flush === 'fsync') fsyncSync(fd);
  if (flush === 'fdatasync') fdatasyncSync(fd);
  closeSync(fd);
}

describe('the power-cut file system', () => {
  it.skipIf(SKIP)(`write + fsync + cut keeps the data ${WHY}`, async () => {
    const { fs, folder } = await fresh();
    const data = pattern(10_000, 1);
    writeFile(join(fs.mountpoint, 'a'), data, 0, 'fsync');
    const after = await cutAndRemount(folder);
    expect(readFileSync(join(folder, 'backing', 'a')).equals(data)).toBe(true);
    expect(readFileSync(join(after.mountpoint, 'a')).equals(data)).toBe(true);
  });

  it.skipIf(SKIP)(`write without a flush + cut loses the file (its entry was never flushed) ${WHY}`, async () => {
    const { fs, folder } = await fresh();
    writeFile(join(fs.mountpoint, 'b'), pattern(5000, 2));
    expect(readFileSync(join(fs.mountpoint, 'b')).equals(pattern(5000, 2))).toBe(true); // readable before the cut
    const after = await cutAndRemount(folder);
    expect(readdirSync(join(folder, 'backing'))).toEqual([]);
    expect(readdirSync(after.mountpoint)).toEqual([]);
  });

  it.skipIf(SKIP)(
    `what was written after the last fdatasync is lost; size and data as that flush left them ${WHY}`,
    async () => {
      const { fs, folder } = await fresh();
      const file = join(fs.mountpoint, 'c');
      const first = pattern(8192, 3);
      writeFile(file, first, 0, 'fdatasync');
      writeFile(file, pattern(3000, 4), 4000); // overwrites bytes 4000-6999
      writeFile(file, pattern(2000, 5), 20_000); // extends to 22000, leaving a gap of zeros
      const fd = openSync(file, 'r');
      const volatileView = Buffer.alloc(22_000);
      expect(closeAfter(fd, () => readSyncAll(fd, volatileView))).toBe(22_000);
      expect(volatileView.subarray(8192, 20_000).every((b) => b === 0)).toBe(true);
      const after = await cutAndRemount(folder);
      expect(readFileSync(join(after.mountpoint, 'c')).equals(first)).toBe(true);
    },
  );

  it.skipIf(SKIP)(`an O_DIRECT write without a flush is lost; with one it is kept (dd) ${WHY}`, async () => {
    const { fs, folder } = await fresh();
    const source = join(work, 'direct-source');
    writeFileSync(source, pattern(8192, 6));
    const dd = (name: string, extra: string[]) =>
      execa('dd', [`if=${source}`, `of=${join(fs.mountpoint, name)}`, 'bs=4096', 'oflag=direct', ...extra]);
    await dd('direct-unflushed', []);
    await dd('direct-flushed', ['conv=fsync']);
    await cutAndRemount(folder);
    expect(readdirSync(join(folder, 'backing'))).toEqual(['direct-flushed']);
    expect(readFileSync(join(folder, 'backing', 'direct-flushed')).equals(pattern(8192, 6))).toBe(true);
  });

  it.skipIf(SKIP)(`a second file's fsync does not persist the first ${WHY}`, async () => {
    const { fs, folder } = await fresh();
    const old = pattern(4096, 7);
    writeFile(join(fs.mountpoint, 'first'), old, 0, 'fsync');
    writeFile(join(fs.mountpoint, 'first'), pattern(4096, 8)); // not flushed
    writeFile(join(fs.mountpoint, 'second'), pattern(4096, 9), 0, 'fsync');
    await cutAndRemount(folder);
    expect(readFileSync(join(folder, 'backing', 'first')).equals(old)).toBe(true);
    expect(readFileSync(join(folder, 'backing', 'second')).equals(pattern(4096, 9))).toBe(true);
  });

  it.skipIf(SKIP)(`a shrink is durable only with the flush after it ${WHY}`, async () => {
    const { fs, folder } = await fresh();
    const file = join(fs.mountpoint, 'shrink');
    writeFile(file, pattern(6000, 10), 0, 'fsync');
    const fd = openSync(file, 'r+');
    ftruncateSync(fd, 1000);
    closeSync(fd);
    await cutAndRemount(folder);
    expect(readFileSync(join(folder, 'backing', 'shrink')).length).toBe(6000);
  });

  it.skipIf(SKIP)(
    `a disk file made before the mount (the lab's guest disk): unflushed writes are lost, flushed ones kept ${WHY}`,
    async () => {
      const folder = join(work, `fs-${++folderCount}`);
      const disk = join(folder, 'backing', 'disk.img');
      mkdirSync(join(folder, 'backing'), { recursive: true });
      writeFileSync(disk, '');
      truncateSync(disk, 1 << 20); // a zeroed 1 MiB disk that exists durably
      mounted = await mountPowerCutFs(binary, folder);
      const file = join(mounted.mountpoint, 'disk.img');
      writeFile(file, pattern(4096, 7), 65_536, 'fdatasync'); // a block the guest flushed
      writeFile(file, pattern(4096, 8), 131_072); // a block still in the disk's volatile cache
      const after = await cutAndRemount(folder);
      const kept = readFileSync(join(after.mountpoint, 'disk.img'));
      expect(kept.length).toBe(1 << 20);
      expect(kept.subarray(65_536, 69_632).equals(pattern(4096, 7))).toBe(true);
      expect(kept.subarray(131_072, 135_168).every((b) => b === 0)).toBe(true);
    },
  );

  it.skipIf(SKIP)(`after the cut nothing is mounted and the volatile cache is gone ${WHY}`, async () => {
    const { fs, folder } = await fresh();
    writeFile(join(fs.mountpoint, 'x'), pattern(100, 11));
    expect(mountsOfType('fuse.qcb-power-cut')).toContain(fs.mountpoint);
    await fs.cut();
    mounted = null;
    expect(mountsOfType('fuse.qcb-power-cut')).not.toContain(fs.mountpoint);
    expect(existsSync(join(folder, 'volatile'))).toBe(false);
    expect(readdirSync(join(folder, 'mnt'))).toEqual([]);
  });
});

describe('mountsOfType', () => {
  it('reads mount points of a type from mountinfo, octal escapes decoded', () => {
    const info = [
      '36 25 0:32 / /tmp/a\\040b rw,relatime - fuse.qcb-power-cut qcb-power-cut rw,user_id=0',
      '37 25 0:33 / /tmp/c rw,relatime shared:1 - ext4 /dev/sda1 rw',
    ].join('\n');
    expect(mountsOfType('fuse.qcb-power-cut', info)).toEqual(['/tmp/a b']);
    expect(mountsOfType('ext4', info)).toEqual(['/tmp/c']);
  });
});

function readSyncAll(fd: number, buf: Buffer): number {
  let got = 0;
  while (got < buf.length) {
    const n = readSync(fd, buf, got, buf.length - got, got);
    if (n === 0) break;
    got += n;
  }
  return got;
}

function closeAfter<T>(fd: number, f: () => T): T {
  try {
    return f();
  } finally {
    closeSync(fd);
  }
}
