// The default image's layout: seeded extents that look like a root filesystem's allocation (many small, a few large).
import { normal, seededRandom } from '../model/prng.ts';

/** One run of data inside the virtual disk. */
export interface Extent {
  /** Byte offset in the virtual disk (4 KiB aligned). */
  offset: number;
  /** Length in bytes (4 KiB multiple). */
  length: number;
  /** Whether it holds text-like (compressible) or random (incompressible) bytes. */
  kind: 'text' | 'random';
}

/** What decides the layout; equal parameters give the same extents on every host. */
export interface LayoutParams {
  /** Virtual disk size in bytes. */
  virtualSize: number;
  /** Bytes of data to place. */
  dataSize: number;
  /** Layout seed. */
  seed: number;
}

const BLOCK = 4096;
const MEDIAN_EXTENT = 96 * 1024;
const EXTENT_SIGMA = 1.4;
const MAX_EXTENT = 8 * 1024 * 1024;

/** Lays out extents with log-normal sizes and exponential gaps, first 1 MiB left as a "partition table" gap. */
export function layoutExtents(params: LayoutParams): Extent[] {
  const random = seededRandom(params.seed);
  const meanExtent = MEDIAN_EXTENT * Math.exp((EXTENT_SIGMA * EXTENT_SIGMA) / 2);
  const start = 1024 * 1024;
  const expectedCount = Math.max(1, params.dataSize / meanExtent);
  const meanGap = Math.max(BLOCK, (params.virtualSize - start - params.dataSize) / expectedCount);
  const extents: Extent[] = [];
  let offset = start;
  let placed = 0;
  while (placed < params.dataSize) {
    const gap = alignUp(-Math.log(1 - random()) * meanGap);
    let length = alignUp(Math.min(MAX_EXTENT, MEDIAN_EXTENT * Math.exp(EXTENT_SIGMA * normal(random))));
    length = Math.min(length, alignUp(params.dataSize - placed));
    if (offset + gap + length > params.virtualSize) break;
    offset += gap;
    extents.push({ offset, length, kind: random() < 0.5 ? 'text' : 'random' });
    offset += length;
    placed += length;
  }
  return extents;
}

function alignUp(bytes: number): number {
  return Math.max(BLOCK, Math.ceil(bytes / BLOCK) * BLOCK);
}
