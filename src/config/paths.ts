// Where the harness keeps its cache (built images, the interposer library, flush counts).
import { homedir } from 'node:os';
import { join } from 'node:path';

/** Cache root: $QCB_CACHE_DIR, else $XDG_CACHE_HOME/qemu-cache-bench, else ~/.cache/qemu-cache-bench. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.QCB_CACHE_DIR) return env.QCB_CACHE_DIR;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'qemu-cache-bench');
}

/** Where built-in images are cached: images/ under the cache root. */
export function imageCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), 'images');
}
