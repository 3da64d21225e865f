// The --image validator and the image facts recorded in results (format, sizes, compression, sha256).
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, statSync } from 'node:fs';
import { UserError } from '../cli/errors.ts';
import { imageInfo, lastLine, type QemuImgInfo } from '../run/qemu-img.ts';
import { runProcess } from '../run/spawn.ts';

/** Facts about the source image, as results.json records them. */
export interface ImageFacts {
  /** Absolute path. */
  path: string;
  /** 'default' for the built-in image, 'file' for --image. */
  origin: 'default' | 'file';
  /** qemu-img format name. */
  format: string;
  /** Virtual size, bytes. */
  virtualSize: number;
  /** Bytes allocated on the host. */
  actualSize: number;
  /** File size, bytes. */
  fileSize: number;
  /** qcow2 cluster size or null. */
  clusterSize: number | null;
  /** qcow2 compression type, or null. */
  compressionType: string | null;
  /** Share of clusters stored compressed, from qemu-img check, or null. */
  compressedClusters: string | null;
  /** sha256 of the file. */
  sha256: string;
  /** Built-in image parameters, or null. */
  params: Record<string, number> | null;
  /** Seconds it took to build the built-in image in this run (0 when cached). */
  buildSeconds: number;
}

/** Checks that `path` is a readable image qemu-img can open; returns its info or throws a one-line UserError. */
export async function validateImage(qemuImg: string, path: string, format: string | undefined): Promise<QemuImgInfo> {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new UserError(`image not found: ${path}; pass an existing image file to --image`);
  }
  if (stat.isDirectory()) throw new UserError(`--image ${path} is a directory; pass an image file`);
  if (!stat.isFile() && !stat.isBlockDevice()) throw new UserError(`--image ${path} is not a regular file; pass an image file`);
  try {
    closeSync(openSync(path, 'r'));
  } catch (error) {
    throw new UserError(`cannot read image ${path} (${(error as NodeJS.ErrnoException).code}); fix its permissions or run as a user who can read it`);
  }
  const info = await imageInfo(qemuImg, path, format);
  if ('error' in info) throw new UserError(`qemu-img cannot read ${path} as an image: ${info.error}; check the file or pass --image-format`);
  if (info.format === 'raw' && !format && (stat.size < 1024 * 1024 || stat.size % 512 !== 0)) {
    throw new UserError(`${path} does not look like a disk image (qemu-img sees only ${stat.size} raw bytes); pass another image, or --image-format raw to use it anyway`);
  }
  if (info.format === 'qcow2') {
    const check = await runProcess(qemuImg, ['check', '-f', 'qcow2', path], { captureStdout: true, timeoutSeconds: 120 });
    if (check.exitCode !== 0 && check.exitCode !== 3) {
      const why = lastLine(check.stderrTail) || lastLine(check.stdout) || `qemu-img check exited ${check.exitCode}`;
      throw new UserError(`qcow2 image ${path} is damaged (${why}); repair it with qemu-img check -r or pass another image`);
    }
  }
  return info;
}

/** Share of compressed clusters reported by `qemu-img check`, e.g. "67.73%", or null. */
export async function compressedShare(qemuImg: string, path: string, format: string): Promise<string | null> {
  if (format !== 'qcow2') return null;
  const check = await runProcess(qemuImg, ['check', '-f', format, path], { captureStdout: true, timeoutSeconds: 120 });
  return /([\d.]+%) compressed clusters/.exec(check.stdout)?.[1] ?? null;
}

/** sha256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Collects the recorded facts of an image whose info was already read. */
export async function imageFacts(
  qemuImg: string,
  path: string,
  info: QemuImgInfo,
  origin: ImageFacts['origin'],
  params: Record<string, number> | null,
  buildSeconds: number,
): Promise<ImageFacts> {
  return {
    path,
    origin,
    format: info.format,
    virtualSize: info.virtualSize,
    actualSize: info.actualSize,
    fileSize: statSync(path).size,
    clusterSize: info.clusterSize,
    compressionType: info.compressionType,
    compressedClusters: await compressedShare(qemuImg, path, info.format),
    sha256: await sha256File(path),
    params,
    buildSeconds,
  };
}
