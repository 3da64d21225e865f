// The built-in image: built deterministically from a seed, converted to zlib-compressed qcow2, cached by its
// parameters.
import { closeSync, existsSync, ftruncateSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess } from '../engine/spawn.ts';
import { seededRandom } from '../model/prng.ts';
import { lastLine } from '../model/qemu-img-command.ts';
import type { BuiltinImageParams } from '../model/results.ts';
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

/** Returns the cached default image's path, building it first when absent; `onBuild` is told when a build starts. */
export async function ensureDefaultImage(
  qemuImg: string,
  params: BuiltinImageParams,
  cacheDir: string,
  onBuild: (message: string) => void = () => {},
  signal?: AbortSignal,
): Promise<{ path: string; built: boolean; buildSeconds: number }> {
  const path = join(cacheDir, defaultImageName(params));
  if (existsSync(path)) return { path, built: false, buildSeconds: 0 };
  mkdirSync(cacheDir, { recursive: true });
  onBuild(`building the default image once (${defaultImageName(params)}) in ${cacheDir}`);
  const started = Date.now();
  const rawPath = `${path}.${process.pid}.raw.tmp`;
  const qcowTmp = `${path}.${process.pid}.tmp`;
  try {
    writeRawImage(rawPath, params, signal);
    const result = await runProcess(
      qemuImg,
      [
        'convert',
        '-c',
        '-f',
        'raw',
        '-O',
        'qcow2',
        '-o',
        `compat=1.1,cluster_size=${params.clusterSize},compression_type=zlib`,
        rawPath,
        qcowTmp,
      ],
      { signal },
    );
    if (result.canceled) throw new Error('interrupted while building the default image');
    if (!result.ok) throw new Error(`building the default image failed: ${lastLine(result.stderrTail)}`);
    renameSync(qcowTmp, path);
  } finally {
    rmSync(rawPath, { force: true });
    rmSync(qcowTmp, { force: true });
  }
  return { path, built: true, buildSeconds: (Date.now() - started) / 1000 };
}

/** Writes the sparse raw disk: seeded extents of text-like or random bytes, zeros elsewhere. */
export function writeRawImage(path: string, params: LayoutParams, signal?: AbortSignal): void {
  const random = seededRandom(params.seed ^ 0xc0ffee);
  const randomBytes = new RandomBytes(params.seed);
  const pool = textPool(params.seed);
  const fd = openSync(path, 'wx');
  try {
    ftruncateSync(fd, params.virtualSize);
    for (const extent of layoutExtents(params)) {
      if (signal?.aborted) throw new Error('interrupted while building the default image');
      const bytes = extent.kind === 'random' ? randomBytes.next(extent.length) : textBytes(pool, extent.length, random);
      writeSync(fd, bytes, 0, bytes.length, extent.offset);
    }
  } finally {
    closeSync(fd);
  }
}
