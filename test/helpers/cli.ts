// Runs the real CLI (compiled once per test run: compiled-cli.ts) as a user would, for end-to-end tests.

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { inject } from 'vitest';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** How runCli runs the CLI: environment (added to this process's unless `extendEnv` is false), folder, timeout. */
interface CliOptions {
  env?: Record<string, string>;
  extendEnv?: boolean;
  cwd?: string;
  timeoutMs?: number;
}

/** node's arguments that start the CLI, compiled from this checkout for this test run (from any working folder). */
export function cliArgv(): string[] {
  return [inject('cliEntry')];
}

/** The environment that lets scripts/bundle.sh copy this test run's compiled CLI instead of compiling it again. */
export function bundleEnv(): Record<string, string> {
  return { QCB_BUNDLE_COMPILED: dirname(dirname(inject('cliEntry'))) };
}

/** Runs `qemu-cache-bench ARGS`; never throws, returns exit code and output. */
export function runCli(args: string[], options: CliOptions = {}) {
  return run('node', [...cliArgv(), ...args], options);
}

/** Runs `qemu-cache-bench ARGS` as the unprivileged user nobody (setpriv: the tests that call it need root). */
export function runCliAsNobody(args: string[], options: CliOptions = {}) {
  const nobody = ['--reuid=65534', '--regid=65534', '--clear-groups'];
  return run('setpriv', [...nobody, 'node', ...cliArgv(), ...args], options);
}

async function run(file: string, args: string[], options: CliOptions) {
  const started = Date.now();
  const r = await execa(file, args, {
    reject: false,
    cwd: options.cwd ?? ROOT,
    env: options.env,
    extendEnv: options.extendEnv ?? true,
    timeout: options.timeoutMs ?? 600_000,
    stdin: 'ignore',
  });
  return { code: r.exitCode, stdout: String(r.stdout), stderr: String(r.stderr), ms: Date.now() - started };
}

/** True when the tests run as root: tests that need it are `it.skipIf(!IS_ROOT)` with NEEDS_ROOT in their name. */
export const IS_ROOT = process.getuid?.() === 0;
/** Why a test is skipped when not root. */
export const NEEDS_ROOT = '(needs root: setpriv, mount, drop_caches)';
/** True when FUSE can be mounted here (root and /dev/fuse): the power-cut tests need both. */
export const CAN_MOUNT_FUSE = IS_ROOT && existsSync('/dev/fuse');
/** Why a power-cut test is skipped. */
export const NEEDS_FUSE = existsSync('/dev/fuse') ? '(needs root: mounting FUSE)' : '(needs /dev/fuse)';

/** Resolves once `check` holds (polled every 25 ms); throws after `ms`. */
export async function waitFor(check: () => boolean, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Samples saved so far in a results folder's results.json (0 while it is not there or half written). */
export function samplesIn(dir: string): number {
  try {
    return JSON.parse(readFileSync(join(dir, 'results.json'), 'utf8')).samples.length;
  } catch {
    return 0;
  }
}
