// The content identity of a --image's guest data: a sha256 over the raw output's non-zero 1 MiB blocks with their
// offsets, reading only the extents that hold data, so a thin 500 GiB output with 4 MiB of data reads 4 MiB, and
// holes and blocks of written zeros give the same identity. Kept in the cache by the image file's sha256: taken once.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { join } from 'node:path';
import { InterruptedError } from '../model/errors.ts';
import { ContentIdJsonSchema } from '../model/external-json.ts';
import { keepCacheFile } from '../system/cache-file.ts';
import { rawDataExtents } from '../system/qemu-img.ts';

/** The block the identity is taken over. */
export const CONTENT_BLOCK = 1024 * 1024;
/** How the identity was taken, recorded beside it. */
export const RAW_CONTENT_METHOD =
  'sha256 over the non-zero 1 MiB blocks of the raw guest data with their offsets (holes and zero blocks skipped)';

const ZERO = Buffer.alloc(CONTENT_BLOCK);

/** A block of the identity and the parts of it that `extents` cover (file offsets), clipped to the file's size. */
export interface BlockPieces {
  at: number;
  pieces: { start: number; length: number }[];
}

/** The blocks `extents` (sorted, as qemu-img map gives them) touch, in order, each with the pieces to read. */
export function blocksOf(extents: readonly { start: number; length: number }[], size: number): BlockPieces[] {
  const blocks: BlockPieces[] = [];
  for (const e of extents) {
    const end = Math.min(e.start + e.length, size);
    for (let start = e.start; start < end; ) {
      const at = Math.floor(start / CONTENT_BLOCK) * CONTENT_BLOCK;
      const stop = Math.min(end, at + CONTENT_BLOCK);
      const last = blocks[blocks.length - 1];
      if (last?.at === at) last.pieces.push({ start, length: stop - start });
      else blocks.push({ at, pieces: [{ start, length: stop - start }] });
      start = stop;
    }
  }
  return blocks;
}

/**
 * The identity of the raw disk at `path`, reading only `extents` (what lies outside them reads as zeros, and is not
 * read: reading a hole makes the kernel fill pages with zeros, the slow part on a thin output).
 */
export async function rawContentId(
  path: string,
  extents: readonly { start: number; length: number }[],
  signal?: AbortSignal,
): Promise<string> {
  const hash = createHash('sha256');
  const file = await open(path, 'r');
  const block = Buffer.alloc(CONTENT_BLOCK);
  const offset = Buffer.alloc(8);
  try {
    const size = (await file.stat()).size;
    for (const { at, pieces } of blocksOf(extents, size)) {
      if (signal?.aborted) throw new InterruptedError('interrupted while taking the content identity');
      block.fill(0);
      for (const p of pieces) await readFully(file, block.subarray(p.start - at, p.start - at + p.length), p.start);
      const data = block.subarray(0, Math.min(CONTENT_BLOCK, size - at));
      if (data.equals(ZERO.subarray(0, data.length))) continue;
      offset.writeBigUInt64BE(BigInt(at));
      hash.update(offset);
      hash.update(data);
    }
  } finally {
    await file.close();
  }
  return `raw-blocks:${hash.digest('hex')}`;
}

/** Fills `into` from the file at `position` (a short read only at the end of the file, which leaves zeros). */
async function readFully(file: FileHandle, into: Buffer, position: number): Promise<void> {
  for (let done = 0; done < into.length; ) {
    const { bytesRead } = await file.read(into, done, into.length - done, position + done);
    if (bytesRead === 0) return;
    done += bytesRead;
  }
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
  keepCacheFile(cacheFile(cacheRoot, imageSha256), `${JSON.stringify(content)}\n`);
}
