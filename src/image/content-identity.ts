// The content identity of a --image's guest data: a sha256 over the raw output's non-zero 1 MiB blocks with their
// offsets, reading only the extents that hold data, so a thin 500 GiB output with 4 MiB of data reads 4 MiB, and
// holes and blocks of written zeros give the same identity. Kept in the cache by the image file's sha256: taken once.
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { InterruptedError } from '../model/errors.ts';
import { ContentIdJsonSchema } from '../model/external-json.ts';
import { rawDataExtents } from '../system/qemu-img.ts';

/** The block the identity is taken over. */
export const CONTENT_BLOCK = 1024 * 1024;
/** How the identity was taken, recorded beside it. */
export const RAW_CONTENT_METHOD =
  'sha256 over the non-zero 1 MiB blocks of the raw guest data with their offsets (holes and zero blocks skipped)';

const ZERO = Buffer.alloc(CONTENT_BLOCK);

/** The identity of the raw disk at `path`, reading only `extents` (null: every byte of the file). */
export async function rawContentId(
  path: string,
  extents: readonly { start: number; length: number }[],
  signal?: AbortSignal,
): Promise<string> {
  const hash = createHash('sha256');
  const file = await open(path, 'r');
  const block = Buffer.alloc(CONTENT_BLOCK);
  const offset = Buffer.alloc(8);
  let next = 0; // the first block not hashed yet: extents sharing a block hash it once
  try {
    for (const e of extents) {
      const first = Math.max(next, Math.floor(e.start / CONTENT_BLOCK) * CONTENT_BLOCK);
      for (let at = first; at < e.start + e.length; at += CONTENT_BLOCK) {
        if (signal?.aborted) throw new InterruptedError('interrupted while taking the content identity');
        const { bytesRead } = await file.read(block, 0, CONTENT_BLOCK, at);
        next = at + CONTENT_BLOCK;
        const data = block.subarray(0, bytesRead);
        if (data.equals(ZERO.subarray(0, bytesRead))) continue;
        offset.writeBigUInt64BE(BigInt(at));
        hash.update(offset);
        hash.update(data);
      }
    }
  } finally {
    await file.close();
  }
  return `raw-blocks:${hash.digest('hex')}`;
}

/** The identity of a raw output, from its data extents (qemu-img map), or null when they cannot be mapped. */
export async function rawOutputContentId(qemuImg: string, path: string, signal?: AbortSignal): Promise<string | null> {
  const extents = await rawDataExtents(qemuImg, path);
  return extents ? rawContentId(path, extents, signal) : null;
}

/** Where the identity of an image file is kept: by the file's sha256. */
function cacheFile(cacheRoot: string, imageSha256: string): string {
  return join(cacheRoot, 'content', `${imageSha256}.json`);
}

/** The identity taken before for this image file, or null. */
export function cachedContentId(cacheRoot: string, imageSha256: string): { id: string; method: string } | null {
  try {
    const kept = ContentIdJsonSchema.safeParse(JSON.parse(readFileSync(cacheFile(cacheRoot, imageSha256), 'utf8')));
    return kept.success ? { id: kept.data.id, method: kept.data.method } : null;
  } catch {
    return null;
  }
}

/** Keeps the identity of an image file for the next run (written whole, then renamed). */
export function keepContentId(cacheRoot: string, imageSha256: string, content: { id: string; method: string }): void {
  const file = cacheFile(cacheRoot, imageSha256);
  mkdirSync(join(cacheRoot, 'content'), { recursive: true });
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(content)}\n`, { flag: 'wx' }); // never through a planted name
  renameSync(tmp, file);
}
