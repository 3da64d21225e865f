// The content identity of raw guest data (real qemu-img map): the same for a sparse file and a fully allocated copy of
// it (holes and written zeros alike), different when one byte differs, reading only the data extents; kept by the
// image file's sha256.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, truncateSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  blocksOf,
  cachedContentId,
  keepContentId,
  rawContentId,
  rawOutputContentId,
} from '../../src/image/content-identity.ts';

const work = mkdtempSync(join(tmpdir(), 'qcb-content-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A 64 MiB sparse raw file with `data` written at 5 MiB + 100 bytes and at 40 MiB. */
function sparse(name: string, data: Buffer): string {
  const path = join(work, name);
  const fd = openSync(path, 'w');
  writeSync(fd, data, 0, data.length, 5 * 1024 * 1024 + 100);
  writeSync(fd, data, 0, data.length, 40 * 1024 * 1024);
  closeSync(fd);
  truncateSync(path, 64 * 1024 * 1024);
  return path;
}

/** The identity as Python computes it from every byte of the file: sha256 over (offset, block) of non-zero blocks. */
function pythonContentId(path: string): string {
  const script = [
    'import hashlib, struct, sys',
    'h = hashlib.sha256(); f = open(sys.argv[1], "rb"); at = 0',
    'while True:',
    '    b = f.read(1 << 20)',
    '    if not b: break',
    '    if b.count(0) != len(b): h.update(struct.pack(">Q", at)); h.update(b)',
    '    at += len(b)',
    'print(h.hexdigest())',
  ].join('\n');
  return execFileSync('python3', ['-c', script, path], { encoding: 'utf8' }).trim();
}

describe('blocksOf', () => {
  it('groups extents by 1 MiB block, split where they cross one, clipped to the file', () => {
    const M = 1024 * 1024;
    const extents = [
      { start: 100, length: 200 },
      { start: M - 10, length: 20 },
      { start: 3 * M, length: 2 * M },
    ];
    expect(blocksOf(extents, 4 * M + 5)).toEqual([
      {
        at: 0,
        pieces: [
          { start: 100, length: 200 },
          { start: M - 10, length: 10 },
        ],
      },
      { at: M, pieces: [{ start: M, length: 10 }] },
      { at: 3 * M, pieces: [{ start: 3 * M, length: M }] },
      { at: 4 * M, pieces: [{ start: 4 * M, length: 5 }] },
    ]);
  });
});

describe('rawOutputContentId (real qemu-img map)', () => {
  it('is the same for holes and written zeros, and differs when one byte of the data differs', async () => {
    const data = Buffer.alloc(300_000, 7);
    const thin = sparse('thin.raw', data);
    const full = join(work, 'full.raw');
    execFileSync('cp', ['--sparse=never', thin, full]); // every block allocated, most of them zeros
    const other = Buffer.from(data);
    other[12_345] = 8;
    const changed = sparse('changed.raw', other);
    const id = await rawOutputContentId('qemu-img', thin);
    expect(id).toMatch(/^raw-blocks:[0-9a-f]{64}$/);
    expect(await rawOutputContentId('qemu-img', full)).toBe(id);
    expect(await rawOutputContentId('qemu-img', changed)).not.toBe(id);
    // reading every byte as one extent gives the same identity as reading the data extents only
    expect(await rawContentId(thin, [{ start: 0, length: 64 * 1024 * 1024 }])).toBe(id);
    // and Python, reading every 1 MiB block of the file, finds the same
    expect(id).toBe(`raw-blocks:${pythonContentId(thin)}`);
  });
  it('a file whose size is not a whole number of blocks: the last block as long as the file', async () => {
    const path = join(work, 'odd.raw');
    const fd = openSync(path, 'w');
    writeSync(fd, Buffer.alloc(5000, 3), 0, 5000, 3 * 1024 * 1024 + 1000);
    closeSync(fd);
    truncateSync(path, 3 * 1024 * 1024 + 7777);
    expect(await rawOutputContentId('qemu-img', path)).toBe(`raw-blocks:${pythonContentId(path)}`);
  });
  it('stops when asked to', async () => {
    const thin = sparse('abort.raw', Buffer.alloc(1000, 1));
    const stop = new AbortController();
    stop.abort();
    await expect(rawContentId(thin, [{ start: 0, length: 64 * 1024 * 1024 }], stop.signal)).rejects.toThrow(
      'interrupted while taking the content identity',
    );
  });
});

describe('the content identity cache', () => {
  it('gives back what was kept for an image sha256, and nothing for another', () => {
    const cache = join(work, 'cache');
    const content = { id: 'raw-blocks:abc', method: 'm' };
    keepContentId(cache, 'a'.repeat(64), content);
    expect(cachedContentId(cache, 'a'.repeat(64))).toEqual(content);
    expect(cachedContentId(cache, 'b'.repeat(64))).toBeNull();
  });
});
