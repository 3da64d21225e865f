// The only module that writes result files: atomic (temp, fsync, rename), and never over a file the harness did not
// make.
import { randomBytes } from 'node:crypto';
import {
  accessSync,
  closeSync,
  constants,
  existsSync,
  fsyncSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { EnvironmentError, UsageError } from '../model/errors.ts';

/** A rendered output: a file name inside the results folder and its bytes. */
export interface OutputFile {
  /** Relative path inside the results folder, e.g. "report.md" or "charts/real.png". */
  name: string;
  /** Contents. */
  data: string | Buffer;
}

/** Flags that create a file that must not exist yet, and never through a symbolic link. */
const NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;

/**
 * Writes `data` to `path` atomically: a temp file of a random name beside it, created exclusively and never through a
 * symbolic link, fsync, rename over `path` (which replaces a link planted there instead of writing through it), fsync
 * of the folder.
 */
export function writeFileAtomic(path: string, data: string | Buffer): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(8).toString('hex')}.tmp`;
  const fd = openSync(tmp, NEW_FILE, 0o644);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data) : data;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw error;
  }
  closeSync(fd);
  renameSync(tmp, path);
  try {
    const dirFd = openSync(dirname(path), 'r');
    fsyncSync(dirFd);
    closeSync(dirFd);
  } catch {
    /* some file systems cannot fsync a directory; the rename is still atomic */
  }
}

function isSymbolicLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

const UNWRITABLE = new Set(['EACCES', 'EPERM', 'EROFS']);

/** The error for a results folder this process cannot create or write: exit 3, naming the folder and the flag. */
function unwritable(outDir: string, where: string, code: string): EnvironmentError {
  return new EnvironmentError(
    `cannot write the results folder ${outDir}: ${where} is not writable (${code}); pass --out a folder you can write`,
  );
}

/** Throws {@link unwritable} when `dir` (an existing folder) cannot be written by this process. */
function checkWritable(outDir: string, dir: string): void {
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'EACCES';
    throw unwritable(outDir, dir, code);
  }
}

/** Rethrows a write error as {@link unwritable} when it is a permission or read-only error. */
function asUnwritable(outDir: string, error: unknown): unknown {
  const e = error as NodeJS.ErrnoException;
  // A file that could not be opened for writing names its folder (the temporary file's name means nothing to a user).
  const where = e.path ? (e.syscall === 'open' ? dirname(e.path) : e.path) : outDir;
  return e.code && UNWRITABLE.has(e.code) ? unwritable(outDir, where, e.code) : error;
}

/**
 * The results folder must be new or an empty directory, so nothing there is overwritten, and writable by this process
 * (checked before anything is measured: a new folder's nearest existing parent, or the folder itself).
 */
export function validateOutDir(outDir: string, resumable = false): void {
  if (!existsSync(outDir)) {
    let parent = dirname(resolve(outDir));
    while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
    checkWritable(outDir, parent);
    return;
  }
  if (!statSync(outDir).isDirectory()) throw new UsageError(`--out ${outDir} is a file; pass a new folder`);
  checkWritable(outDir, outDir);
  if (readdirSync(outDir).length > 0)
    throw new UsageError(
      `--out ${outDir} is not empty; pass a new folder (nothing there is ` +
        `overwritten)${resumable ? ', or --resume it' : ''}`,
    );
}

/** Decides where outputs go: one results folder, writing only names the harness owns. */
export class OutputManager {
  readonly dir: string;
  readonly #owned: ReadonlySet<string>;
  /** `owned` lists file names this tool may replace in `dir` (its own earlier outputs). */
  constructor(dir: string, owned: Iterable<string>) {
    this.dir = dir;
    this.#owned = new Set(owned);
  }
  /** Creates the folder (it must be new or empty; the config validator checked that). */
  create(): void {
    try {
      mkdirSync(this.dir, { recursive: true });
    } catch (error) {
      throw asUnwritable(this.dir, error);
    }
  }
  /** Removes the folder again when nothing was written into it (a run that failed before its first result). */
  removeIfEmpty(): void {
    try {
      if (readdirSync(this.dir).length === 0) rmdirSync(this.dir);
    } catch {
      /* not there or not empty: leave it */
    }
  }
  /** Writes each file atomically; a name the harness does not own that already exists is refused. */
  write(files: readonly OutputFile[]): string[] {
    const written: string[] = [];
    for (const file of files) {
      const path = join(this.dir, file.name);
      if (isSymbolicLink(path)) {
        throw new UsageError(`${path} is a symbolic link; qemu-cache-bench never writes through one: remove it`);
      }
      if (existsSync(path) && !this.#owned.has(file.name) && !this.#owned.has(`${file.name.split('/')[0]}/`)) {
        throw new UsageError(
          `${path} exists and was not written by qemu-cache-bench; move it away or choose another --out`,
        );
      }
      try {
        writeFileAtomic(path, file.data);
      } catch (error) {
        throw asUnwritable(this.dir, error);
      }
      written.push(path);
    }
    return written;
  }
}
