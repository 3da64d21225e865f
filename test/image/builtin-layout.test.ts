import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultImageName, ensureDefaultImage, writeRawImage } from '../../src/image/builtin-image.ts';
import { layoutExtents } from '../../src/image/builtin-layout.ts';

describe('layoutExtents', () => {
  const params = { virtualSize: 1024 ** 3, dataSize: 256 * 1024 ** 2, seed: 1 };
  it('places about the asked data in aligned, ordered, non-overlapping extents, mostly small', () => {
    const extents = layoutExtents(params);
    const total = extents.reduce((s, e) => s + e.length, 0);
    expect(total).toBeGreaterThan(params.dataSize * 0.9);
    expect(total).toBeLessThanOrEqual(params.dataSize);
    for (const [i, e] of extents.entries()) {
      expect(e.offset % 4096).toBe(0);
      expect(e.length % 4096).toBe(0);
      if (i > 0) expect(e.offset).toBeGreaterThan(extents[i - 1]!.offset + extents[i - 1]!.length - 1);
    }
    const small = extents.filter((e) => e.length <= 128 * 1024).length;
    expect(small / extents.length).toBeGreaterThan(0.5);
    expect(new Set(extents.map((e) => e.kind))).toEqual(new Set(['text', 'random']));
  });
  it('is the same for the same seed and differs for another', () => {
    expect(layoutExtents(params)).toEqual(layoutExtents(params));
    expect(layoutExtents({ ...params, seed: 2 })).not.toEqual(layoutExtents(params));
  });
});

describe('the built-in image', () => {
  it('is byte-identical when built twice from the same parameters', async () => {
    const p = { virtualSize: 128 * 1024 ** 2, dataSize: 16 * 1024 ** 2, clusterSize: 65536, seed: 11 };
    const a = await ensureDefaultImage('qemu-img', p, mkdtempSync(join(tmpdir(), 'qcb-img-')));
    const b = await ensureDefaultImage('qemu-img', p, mkdtempSync(join(tmpdir(), 'qcb-img-')));
    const hash = (f: string) => createHash('sha256').update(readFileSync(f)).digest('hex');
    expect(a.built && b.built).toBe(true);
    expect(hash(a.path)).toBe(hash(b.path));
    expect(a.path.endsWith(defaultImageName(p))).toBe(true);
  }, 120_000);
  it('has a content identity: the hash of its guest data, kept beside it and computed again when missing', async () => {
    const p = { virtualSize: 64 * 1024 ** 2, dataSize: 8 * 1024 ** 2, clusterSize: 65536, seed: 12 };
    const dir = mkdtempSync(join(tmpdir(), 'qcb-img-'));
    const built = await ensureDefaultImage('qemu-img', p, dir);
    // Independently: the raw guest data the generator writes, hashed extent by extent as offset, length, bytes.
    const raw = join(dir, 'raw');
    writeRawImage(raw, p);
    const data = readFileSync(raw);
    const hash = createHash('sha256');
    for (const e of layoutExtents(p)) {
      const header = Buffer.alloc(16);
      header.writeBigUInt64LE(BigInt(e.offset), 0);
      header.writeBigUInt64LE(BigInt(e.length), 8);
      hash.update(header).update(data.subarray(e.offset, e.offset + e.length));
    }
    expect(built.contentSha256).toBe(hash.digest('hex'));
    expect(readFileSync(`${built.path}.content-sha256`, 'utf8').trim()).toBe(built.contentSha256);
    rmSync(`${built.path}.content-sha256`);
    expect((await ensureDefaultImage('qemu-img', p, dir)).contentSha256).toBe(built.contentSha256);
  }, 120_000);
});
