// The flush-audit cache: the counts of a conversion never change for the same qemu-img build, image, mode, formats and
// source cache mode, so they are counted once and kept under the cache directory by a key of exactly those inputs.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { type ConvertSpec, optionArgs } from '../model/qemu-img-command.ts';
import { type FlushAudit, FlushAuditSchema } from '../model/results.ts';
import { keepCacheFile } from '../system/cache-file.ts';

/** What determines an audit's counts. */
export interface AuditKeyInputs {
  qemuImgVersion: string;
  /** sha256 of the qemu-img binary, or null when it cannot be read. */
  qemuImgSha256: string | null;
  imageSha256: string;
  mode: string;
  srcFormat: string;
  outFormat: string;
  srcCache: string | null;
  /** The other convert options (-m, -W, -n --target-is-zero, -r) as their argv. */
  options: string[];
}

/** Bumped when the audit would count differently for the same inputs. */
const AUDIT_CACHE_VERSION = 1;

/** The cache key: the first 16 hex digits of the sha256 of the inputs. */
export function auditKey(inputs: AuditKeyInputs): string {
  const text = JSON.stringify({ v: AUDIT_CACHE_VERSION, ...inputs });
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/** The key inputs of one conversion. */
export function keyInputs(
  build: { version: string; sha256: string | null },
  imageSha256: string,
  spec: ConvertSpec,
): AuditKeyInputs {
  return {
    qemuImgVersion: build.version,
    qemuImgSha256: build.sha256,
    imageSha256,
    mode: spec.mode,
    srcFormat: spec.srcFormat,
    outFormat: spec.outFormat,
    srcCache: spec.srcCache,
    // a project's own command (--as-projects): its arguments, the files as placeholders
    options: spec.argv
      ? spec.argv.map((a) => (a === spec.dst ? '{dst}' : a.split(spec.src).join('{src}')))
      : optionArgs(spec.options),
  };
}

/** The file a program name runs: itself when it has a slash, else the first match on PATH; null when not found. */
export function resolveProgram(program: string, path = process.env.PATH ?? ''): string | null {
  if (program.includes('/')) return isAbsolute(program) ? program : resolve(program);
  for (const dir of path.split(delimiter).filter(Boolean)) {
    const candidate = join(dir, program);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** sha256 of the binary `program` runs, or null. */
export function binarySha256(program: string): string | null {
  const file = resolveProgram(program);
  if (!file) return null;
  try {
    return createHash('sha256').update(readFileSync(file)).digest('hex');
  } catch {
    return null;
  }
}

function entryPath(cacheDir: string, key: string): string {
  return join(cacheDir, `${key}.json`);
}

/** The cached audit for `key`, or null when absent or unreadable. */
export function readCachedAudit(cacheDir: string, key: string): FlushAudit | null {
  try {
    const parsed = FlushAuditSchema.safeParse(JSON.parse(readFileSync(entryPath(cacheDir, key), 'utf8')));
    return parsed.success && parsed.data.ok ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Stores a successful audit under `key` (written whole, then renamed). */
export function writeCachedAudit(cacheDir: string, key: string, audit: FlushAudit): void {
  if (!audit.ok) return;
  keepCacheFile(entryPath(cacheDir, key), `${JSON.stringify({ ...audit, fromCache: false }, null, 2)}\n`);
}
