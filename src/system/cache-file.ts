// The small files the harness keeps in its cache (content identities, flush audits, file hashes): written whole under
// a name of their own, then renamed into place, so a reader never sees half a file and no planted name is written
// through.
import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Writes `text` to `path` atomically, making its folders; throws when it cannot, leaving no file of its own behind. */
export function keepCacheFile(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(tmp, text, { flag: 'wx' }); // a name that exists (planted) is refused, never followed
    renameSync(tmp, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') rmSync(tmp, { force: true });
    throw error;
  }
}
