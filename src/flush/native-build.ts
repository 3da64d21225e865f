// The project's two C helpers (the flush-delay/meter library and the power-cut file system): built from scripts/ into
// the cache on first use, named by their source's hash so an edited source is rebuilt, or the bundle's prebuilt one.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EnvironmentError } from '../model/errors.ts';
import { runProcess } from '../system/spawn.ts';

/** One C helper: its source in scripts/, what it is built as, and how. */
export interface NativeHelper {
  /** Source file name in scripts/. */
  source: string;
  /** What it is called in messages. */
  what: string;
  /** Built file name before the hash, e.g. "libflushdelay" (".so" is added for a library). */
  name: string;
  library: boolean;
  /** The compiler's arguments besides -O2, the output and the source (libraries to link, include folders). */
  ccArgs: readonly string[];
  /** The environment variable naming a prebuilt copy (the bundle's). */
  prebuiltEnv: string;
  /** The Debian packages the build needs. */
  packages: string;
}

function sourcePath(helper: NativeHelper): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'scripts', helper.source);
}

/** Path of the built helper for the current source. */
export function builtPath(helper: NativeHelper, cacheRoot: string): string {
  const hash = createHash('sha256')
    .update(readFileSync(sourcePath(helper)))
    .digest('hex')
    .slice(0, 12);
  return join(cacheRoot, 'lib', `${helper.name}-${hash}${helper.library ? '.so' : ''}`);
}

/** Returns the helper: the prebuilt one named by its environment variable, else compiled with cc on first use. */
export async function ensureBuilt(
  helper: NativeHelper,
  cacheRoot: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<string> {
  const prebuilt = env[helper.prebuiltEnv];
  if (prebuilt && existsSync(prebuilt)) return prebuilt;
  const path = builtPath(helper, cacheRoot);
  if (existsSync(path)) return path;
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  const shared = helper.library ? ['-shared', '-fPIC'] : [];
  const result = await runProcess('cc', ['-O2', ...shared, '-o', tmp, sourcePath(helper), ...helper.ccArgs], {
    timeoutSeconds: 120,
  });
  if (!result.ok) {
    const why = result.stderrTail.split('\n').find((l) => /error/.test(l)) ?? result.stderrTail.split('\n')[0];
    throw new EnvironmentError(
      `cannot build the ${helper.what} (${why?.trim() || 'cc failed'}); install ${helper.packages} (scripts/setup.sh)`,
    );
  }
  renameSync(tmp, path);
  return path;
}
