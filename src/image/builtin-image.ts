// The built-in image: built deterministically from a seed, converted to zlib-compressed qcow2, cached by its
// parameters.
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  ftruncateSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError, InterruptedError } from '../model/errors.ts';
import { seededRandom } from '../model/prng.ts';
import { lastLine } from '../model/qemu-img-command.ts';
import type { BuiltinImageParams } from '../model/results.ts';
import { formatBytes } from '../model/units.ts';
import { ownerAlive } from '../system/owner.ts';
import { runProcess } from '../system/spawn.ts';
import { RandomBytes, textBytes, textPool } from './builtin-content.ts';
import { type LayoutParams, layoutExtents } from './builtin-layout.ts';

/** Bumped whenever the generator would produce other bytes for the same parameters. */
export const DEFAULT_IMAGE_GENERATOR_VERSION = 1;

/** File name of the cached image for `params`. */
export function defaultImageName(params: BuiltinImageParams): string {
  const mib = (n: number) => Math.round(n / 1048576);
  const sizes = `v${mib(params.virtualSize)}M-d${mib(params.dataSize)}M-c${params.clusterSize / 1024}K`;
  return `default-g${DEFAULT_IMAGE_GENERATOR_VERSION}-${sizes}-s${params.seed}.qcow2`;
}

/** The built-in image, where it is cached, and the identity of its guest data. */
export interface BuiltinImage {
  path: string;
  built: boolean;
  buildSeconds: number;
  /** sha256 of the guest data the generator writes (extent offsets, lengths and bytes), the same on every host. */
  contentSha256: string;
}

/** The sidecar file that keeps an image's content hash beside it. */
function contentFile(path: string): string {
  return `${path}.content-sha256`;
}

/** The content hash of a cached image: its sidecar, or computed again from the generator (no file written). */
function cachedContent(path: string, params: BuiltinImageParams, signal?: AbortSignal): string {
  try {
    const text = readFileSync(contentFile(path), 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(text)) return text;
  } catch {
    /* computed below */
  }
  const sha = generateExtents(params, () => {}, signal);
  writeFileSync(contentFile(path), `${sha}\n`);
  return sha;
}

/** A build's temporary file: the image's name, the building process's PID, then .raw.tmp or .tmp. */
const BUILD_TEMPORARY = /^default-.+\.(\d+)\.(?:raw\.)?tmp$/;

/**
 * Removes the temporary files of image builds whose process no longer runs (killed mid-build: about 1.7 GB for the
 * default image); the live ones are left alone. Returns how many files and bytes it freed.
 */
export function removeDeadBuildTemporaries(cacheDir: string): { count: number; bytes: number } {
  let count = 0;
  let bytes = 0;
  let names: string[] = [];
  try {
    names = readdirSync(cacheDir);
  } catch {
    return { count, bytes };
  }
  for (const name of names) {
    const pid = Number(BUILD_TEMPORARY.exec(name)?.[1]);
    if (!pid || ownerAlive({ pid, startTime: null, host: hostname() })) continue;
    const path = join(cacheDir, name);
    try {
      const stat = lstatSync(path);
      if (!stat.isFile()) continue;
      rmSync(path);
      count++;
      bytes += stat.blocks * 512;
    } catch {
      /* removed meanwhile */
    }
  }
  return { count, bytes };
}

/** Returns the cached built-in image, building it first when absent; `onBuild` is told when a build starts. */
export async function ensureDefaultImage(
  qemuImg: string,
  params: BuiltinImageParams,
  cacheDir: string,
  onBuild: (message: string) => void = () => {},
  signal?: AbortSignal,
): Promise<BuiltinImage> {
  const path = join(cacheDir, defaultImageName(params));
  const stale = removeDeadBuildTemporaries(cacheDir);
  if (stale.count) {
    const files = `${stale.count} temporary file${stale.count > 1 ? 's' : ''}`;
    onBuild(`removed ${files} of image builds that died from ${cacheDir}: ${formatBytes(stale.bytes)} freed`);
  }
  if (existsSync(path))
    return { path, built: false, buildSeconds: 0, contentSha256: cachedContent(path, params, signal) };
  try {
    mkdirSync(cacheDir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new EnvironmentError(
      `cannot create the image cache ${cacheDir} (${code}); set QCB_CACHE_DIR to a writable folder`,
    );
  }
  onBuild(`building the default image once (${defaultImageName(params)}) in ${cacheDir}`);
  const started = Date.now();
  const rawPath = `${path}.${process.pid}.raw.tmp`;
  const qcowTmp = `${path}.${process.pid}.tmp`;
  let contentSha256: string;
  try {
    contentSha256 = writeRawImage(rawPath, params, signal);
    const options = `compat=1.1,cluster_size=${params.clusterSize},compression_type=zlib`;
    const args = ['convert', '-c', '-f', 'raw', '-O', 'qcow2', '-o', options, rawPath, qcowTmp];
    const result = await runProcess(qemuImg, args, { signal });
    if (result.canceled) throw new InterruptedError('interrupted while building the built-in image');
    if (!result.ok)
      throw new EnvironmentError(`qemu-img could not build the built-in image: ${lastLine(result.stderrTail)}`);
    writeFileSync(contentFile(path), `${contentSha256}\n`);
    // Link, never rename over: a bench started beside this one may have put the same image there already and be
    // converting it; replacing it would change the file (inode) under that run, which stops it as a changed source.
    try {
      linkSync(qcowTmp, path);
    } catch (error) {
      // A file system without hard links: rename, still only where no image is yet.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' && !existsSync(path)) renameSync(qcowTmp, path);
    }
  } finally {
    rmSync(rawPath, { force: true });
    rmSync(qcowTmp, { force: true });
  }
  return { path, built: true, buildSeconds: (Date.now() - started) / 1000, contentSha256 };
}

/**
 * Generates the image's extents in order, giving each to `write`; returns the sha256 of the guest data (each
 * extent's offset and length as 8-byte little-endian numbers, then its bytes): the content identity of the image.
 */
export function generateExtents(
  params: LayoutParams,
  write: (offset: number, bytes: Buffer) => void,
  signal?: AbortSignal,
): string {
  const random = seededRandom(params.seed ^ 0xc0ffee);
  const randomBytes = new RandomBytes(params.seed);
  const pool = textPool(params.seed);
  const hash = createHash('sha256');
  const header = Buffer.alloc(16);
  for (const extent of layoutExtents(params)) {
    if (signal?.aborted) throw new InterruptedError('interrupted while building the built-in image');
    const bytes = extent.kind === 'random' ? randomBytes.next(extent.length) : textBytes(pool, extent.length, random);
    header.writeBigUInt64LE(BigInt(extent.offset), 0);
    header.writeBigUInt64LE(BigInt(extent.length), 8);
    hash.update(header).update(bytes);
    write(extent.offset, bytes);
  }
  return hash.digest('hex');
}

/**
 * Writes the sparse raw disk (seeded extents of text-like or random bytes, zeros elsewhere); returns its content hash.
 */
export function writeRawImage(path: string, params: LayoutParams, signal?: AbortSignal): string {
  const fd = openSync(path, 'wx');
  try {
    ftruncateSync(fd, params.virtualSize);
    return generateExtents(params, (offset, bytes) => writeSync(fd, bytes, 0, bytes.length, offset), signal);
  } finally {
    closeSync(fd);
  }
}
