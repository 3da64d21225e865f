// Runs the real CLI (through tsx) as a user would, for end-to-end tests.

import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs `qemu-cache-bench ARGS`; never throws, returns exit code and output. */
export async function runCli(
  args: string[],
  options: { env?: Record<string, string>; cwd?: string; timeoutMs?: number } = {},
) {
  const started = Date.now();
  const r = await execa('node', ['--import', 'tsx', `${ROOT}src/cli/main.ts`, ...args], {
    reject: false,
    cwd: options.cwd ?? ROOT,
    env: options.env,
    timeout: options.timeoutMs ?? 600_000,
    stdin: 'ignore',
  });
  return { code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr), ms: Date.now() - started };
}

/** True when the tests run as root: tests that need it are `it.skipIf(!IS_ROOT)` with ROOT_REASON in their name. */
export const IS_ROOT = process.getuid?.() === 0;
/** Why a test is skipped when not root. */
export const NEEDS_ROOT = '(needs root: setpriv, mount, drop_caches)';
