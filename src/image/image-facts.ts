// The --image validator and the image facts recorded in results (format, sizes, compression, sha256).
import { createHash } from 'node:crypto';
import { closeSync, createReadStream, openSync, readFileSync, realpathSync, type Stats, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../model/errors.ts';
import { QemuImgInfoJsonSchema } from '../model/external-json.ts';
import { lastLine, type QemuImgInfo } from '../model/qemu-img-command.ts';
import type { BuiltinImageParams, ImageFacts } from '../model/results.ts';
import { keepCacheFile } from '../system/cache-file.ts';
import { imageInfo } from '../system/qemu-img.ts';
import { runProcess } from '../system/spawn.ts';

/** Checks that `path` is a readable image qemu-img can open; returns its info or throws a one-line UsageError. */
export async function validateImage(qemuImg: string, path: string, format: string | undefined): Promise<QemuImgInfo> {
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch {
    throw new UsageError(`image not found: ${path}; pass an existing image file to --image`);
  }
  if (stat.isDirectory()) throw new UsageError(`--image ${path} is a directory; pass an image file`);
  if (!stat.isFile() && !stat.isBlockDevice())
    throw new UsageError(`--image ${path} is not a regular file; pass an image file`);
  try {
    closeSync(openSync(path, 'r'));
  } catch (error) {
    throw new UsageError(
      `cannot read image ${path} (${(error as NodeJS.ErrnoException).code}); fix its permissions or run as a user ` +
        `who can read it`,
    );
  }
  const info = await imageInfo(qemuImg, path, format);
  if ('error' in info)
    throw (
      openError(path, info.error) ??
      new UsageError(
        `qemu-img cannot read ${path} as an image: ${lastLine(info.error)}; check the file or pass --image-format`,
      )
    );
  const encryption = encryptionOf(info);
  if (encryption) throw encryptedError(path, encryption);
  if (info.format === 'raw' && !format && (stat.size < 1024 * 1024 || stat.size % 512 !== 0)) {
    throw new UsageError(
      `${path} does not look like a disk image (qemu-img sees only ${stat.size} raw bytes); pass another image, or ` +
        `--image-format raw to use it anyway`,
    );
  }
  const named = /\.(qcow2|qcow|vmdk|vdi|vhdx|vpc|vhd|qed)$/i.exec(path)?.[1]?.toLowerCase();
  if (info.format === 'raw' && !format && named) {
    throw new UsageError(
      `${path} is named like a ${named} image, but qemu-img reads it as raw (no ${named} header); pass another ` +
        'image, or --image-format raw to measure it as raw',
    );
  }
  if (info.format !== 'qcow2') return info;
  const check = await runProcess(qemuImg, ['check', '-f', 'qcow2', path], { captureStdout: true, timeoutSeconds: 120 });
  if (check.exitCode !== 0 && check.exitCode !== 3) {
    const known = openError(path, check.stderrTail);
    if (known) throw known;
    const why = checkFindings(check.stdout, check.stderrTail) || `qemu-img check exited ${check.exitCode}`;
    throw new UsageError(
      `qcow2 image ${path} is damaged (${why}); repair it with qemu-img check -r or pass another image`,
    );
  }
  return { ...info, compressedClusters: /([\d.]+%) compressed clusters/.exec(check.stdout)?.[1] ?? null };
}

/**
 * What qemu-img check found, in one clause: its count of errors and an ERROR line of the stderr it kept ("Leaked
 * cluster" lines come last and only waste space, so they are not the reason); else its last line.
 */
function checkFindings(stdout: string, stderr: string): string {
  const count = /^\d+ errors? were found on the image\./m.exec(stdout)?.[0].replace(/\.$/, '');
  const example = stderr.split('\n').find((line) => line.startsWith('ERROR'));
  if (count || example) return [count, example && `e.g. ${example}`].filter(Boolean).join(', ');
  return lastLine(stderr) || lastLine(stdout);
}

/** The encryption format of an image (e.g. "luks"), or null when it is not encrypted. */
export function encryptionOf(info: QemuImgInfo): string | null {
  const specific = QemuImgInfoJsonSchema.safeParse(info.raw).data?.['format-specific']?.data;
  if (specific?.encrypt) return specific.encrypt.format ?? 'encrypted';
  return info.raw.encrypted === true ? 'encrypted' : null;
}

function encryptedError(path: string, format: string): UsageError {
  const how = 'decrypt a copy first (qemu-img convert --object secret,... --image-opts ...) and pass that';
  return new UsageError(`${path} is encrypted (${format}) and qemu-cache-bench passes no secret; ${how}`);
}

/**
 * A one-line error for the reasons other than absence or damage that qemu-img cannot open an image: a missing or
 * unreadable backing file (named), an encrypted image without its secret, or qemu's image lock held by a running VM
 * or another qemu-img. Null when the message is none of these.
 */
export function openError(path: string, stderr: string): UsageError | null {
  const backing = /Could not open backing file: Could not open '([^']+)': ([^\n]+)/.exec(stderr);
  if (backing) {
    const [, file, why] = backing;
    const what = /No such file/.test(why ?? '') ? 'is missing' : `cannot be opened (${why?.trim()})`;
    const fix = 'restore it, or pass an image without a backing chain (qemu-img convert the overlay once)';
    return new UsageError(`the backing file of ${path} ${what}: ${file}; ${fix}`);
  }
  if (/Failed to get (shared )?"?\w+"? lock|Is another process using the image/.test(stderr)) {
    const who = "a running VM or another qemu-img holds qemu's lock on it";
    return new UsageError(`${path} is in use: ${who}; stop it, or pass a copy of the image`);
  }
  if (/encrypt|key-secret|is encrypted/i.test(stderr)) return encryptedError(path, 'needs a key');
  return null;
}

/** sha256 of a file, streamed. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 4 * 1024 * 1024 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** What identifies a file's bytes without reading them: device, inode, size, and mtime and ctime in nanoseconds. */
function fileStamp(path: string): string {
  const st = statSync(path, { bigint: true });
  return [st.dev, st.ino, st.size, st.mtimeNs, st.ctimeNs].join(':');
}

/**
 * sha256 of a file, read once per version of it: kept under `cacheDir`/sha256/ by its path and stamp (device, inode,
 * size, mtime and ctime to the nanosecond: a write moves ctime, which no program can set back). A stamp that changed
 * while the file was read keeps nothing; an unwritable cache only costs the reading next time.
 */
export async function cachedSha256File(path: string, cacheDir: string): Promise<string> {
  const stamp = fileStamp(path);
  const key = createHash('sha256')
    .update(`${realpathSync(path)}\0${stamp}`)
    .digest('hex')
    .slice(0, 40);
  const kept = join(cacheDir, 'sha256', `${key}.txt`);
  try {
    const hex = readFileSync(kept, 'utf8').trim();
    if (/^[0-9a-f]{64}$/.test(hex)) return hex;
  } catch {}
  const hex = await sha256File(path);
  if (fileStamp(path) !== stamp) return hex;
  try {
    keepCacheFile(kept, `${hex}\n`);
  } catch {} // an unwritable cache only costs the reading next time
  return hex;
}

/** Collects the recorded facts of an image whose info was already read (its sha256 kept under `cacheDir`). */
export async function imageFacts(
  path: string,
  info: QemuImgInfo,
  origin: ImageFacts['origin'],
  built: { params: BuiltinImageParams | null; buildSeconds: number },
  cacheDir: string,
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
    compressedClusters: info.compressedClusters,
    sha256: await cachedSha256File(path, cacheDir),
    params: built.params,
    buildSeconds: built.buildSeconds,
    content: null,
  };
}
