// The flush-delay interposer: where its library is, building it from scripts/flush-delay.c when missing, and the env
// that loads it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runProcess } from '../engine/spawn.ts';
import { EnvironmentError } from '../model/errors.ts';

const SOURCE = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', 'flush-delay.c');

/** Path of the built library for the current source (content-addressed, so an edited source is rebuilt). */
export function interposerPath(cacheRoot: string): string {
  const hash = createHash('sha256').update(readFileSync(SOURCE)).digest('hex').slice(0, 12);
  return join(cacheRoot, 'lib', `libflushdelay-${hash}.so`);
}

/**
 * Returns the interposer library: the bundle's prebuilt one ($QCB_PREBUILT_LIB), else compiled with cc on first use.
 */
export async function ensureInterposer(cacheRoot: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const prebuilt = env.QCB_PREBUILT_LIB;
  if (prebuilt && existsSync(prebuilt)) return prebuilt;
  const path = interposerPath(cacheRoot);
  if (existsSync(path)) return path;
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const result = await runProcess('cc', ['-O2', '-shared', '-fPIC', '-o', tmp, SOURCE, '-ldl', '-lpthread'], {
    timeoutSeconds: 120,
  });
  if (!result.ok)
    throw new EnvironmentError(
      `cannot build the flush-delay interposer (${result.stderrTail.split('\n')[0] || 'cc failed'}); install ` +
        `build-essential (scripts/setup.sh)`,
    );
  renameSync(tmp, path);
  return path;
}

/** Environment that makes qemu-img sleep `delayMs` before each fsync/fdatasync. */
export function interposerEnv(library: string, delayMs: number, countFile?: string): Record<string, string> {
  return {
    LD_PRELOAD: library,
    QCB_FLUSH_DELAY_NS: String(Math.round(delayMs * 1e6)),
    ...(countFile ? { QCB_FLUSH_COUNT_FILE: countFile } : {}),
  };
}
