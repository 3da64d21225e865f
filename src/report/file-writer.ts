// The only module that writes result files: atomic (temp, fsync, rename), and never over a file the harness did not
// make.
import { randomBytes } from 'node:crypto';
import {
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
import { dirname, join } from 'node:path';
import { UsageError } from '../model/errors.ts';

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

/** The results folder must be new or an empty directory, so nothing there is overwritten. */
export function validateOutDir(outDir: string, resumable = false): void {
  if (!existsSync(outDir)) return;
  if (!statSync(outDir).isDirectory()) throw new UsageError(`--out ${outDir} is a file; pass a new folder`);
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
    mkdirSync(this.dir, { recursive: true });
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
      writeFileAtomic(path, file.data);
      written.push(path);
    }
    return written;
  }
}
