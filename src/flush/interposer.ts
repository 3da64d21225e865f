// The flush-delay interposer (also the flush counter and the flush meter): building it from scripts/flush-delay.c
// when missing, and the env that loads it.
import { builtPath, ensureBuilt, type NativeHelper } from './native-build.ts';

const INTERPOSER: NativeHelper = {
  source: 'flush-delay.c',
  what: 'flush-delay interposer',
  name: 'libflushdelay',
  library: true,
  ccArgs: ['-ldl', '-lpthread'],
  prebuiltEnv: 'QCB_PREBUILT_LIB',
  packages: 'build-essential',
};

/** Path of the built library for the current source (content-addressed, so an edited source is rebuilt). */
export function interposerPath(cacheRoot: string): string {
  return builtPath(INTERPOSER, cacheRoot);
}

/**
 * Returns the interposer library: the bundle's prebuilt one ($QCB_PREBUILT_LIB), else compiled with cc on first use.
 */
export function ensureInterposer(cacheRoot: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  return ensureBuilt(INTERPOSER, cacheRoot, env);
}

/** Environment that makes qemu-img sleep `delayMs` before each fsync/fdatasync. */
export function interposerEnv(library: string, delayMs: number, countFile?: string): Record<string, string> {
  return {
    LD_PRELOAD: library,
    QCB_FLUSH_DELAY_NS: String(Math.round(delayMs * 1e6)),
    ...(countFile ? { QCB_FLUSH_COUNT_FILE: countFile } : {}),
  };
}
