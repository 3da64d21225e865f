// The only module that starts processes: runs a program without a shell and measures it.
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { round6 } from '../model/units.ts';

/** How a finished (or failed, killed, timed-out) process went; success and failure share this shape. */
export interface ProcessResult {
  /** Program that was run. */
  file: string;
  /** Its arguments, exactly as passed (no shell). */
  args: readonly string[];
  /** Exit code, or null when killed by a signal or never started. */
  exitCode: number | null;
  /** Signal that ended it, if any. */
  signal: string | null;
  /** True when it exited with code 0. */
  ok: boolean;
  /** True when the timeout killed it. */
  timedOut: boolean;
  /** True when the caller's abort signal killed it. */
  canceled: boolean;
  /** True when the program could not be started at all (missing, not executable). */
  notStarted: boolean;
  /** Wall time from spawn to exit, monotonic clock, seconds. */
  wallSeconds: number;
  /** User CPU time of the child from the kernel's accounting (cutime delta), seconds. */
  userSeconds: number;
  /** System CPU time of the child from the kernel's accounting (cstime delta), seconds. */
  sysSeconds: number;
  /** Captured standard output (empty when not captured). */
  stdout: string;
  /** The last part of standard error. */
  stderrTail: string;
}

/** Options for {@link runProcess}. */
export interface RunOptions {
  /** Kill the process after this many seconds. */
  timeoutSeconds?: number | null;
  /** Abort signal that kills the process (SIGTERM, then SIGKILL). */
  signal?: AbortSignal;
  /** What the abort signal sends first (default SIGTERM; SIGKILL for a power cut, which nothing may outlive). */
  killSignal?: NodeJS.Signals;
  /** Extra environment variables. */
  env?: Record<string, string>;
  /** Capture stdout (default false: discarded). */
  captureStdout?: boolean;
  /** Working directory. */
  cwd?: string;
}

/** How long after SIGTERM a process group that is still alive gets SIGKILL. */
const KILL_AFTER_MS = 1000;
/**
 * How long output pipes may stay open after the process started has exited: a child it forked (a wrapper script
 * without `exec`, a daemonising helper) can hold them; past this the group is killed and the pipes are closed.
 */
const PIPE_GRACE_MS = 500;
/** Process groups started and not yet reaped, killed if this process exits first. */
const LIVE_GROUPS = new Set<number>();
process.once('exit', () => {
  for (const pid of LIVE_GROUPS) signalGroup(pid, 'SIGKILL');
});

/**
 * The guardian: a shell in a session of its own that reads "+PGID" and "-PGID" lines from this process and, when its
 * input ends because this process died (SIGKILL, the OOM killer), kills every group still listed. An exit handler
 * cannot run after SIGKILL, and PR_SET_PDEATHSIG reaches neither a wrapper's children nor the other threads' forks.
 */
const GUARDIAN_SCRIPT = `trap '' INT TERM HUP
live=' '
while IFS= read -r line; do
  case $line in
    +*) live="$live\${line#+} " ;;
    -*) live=\${live% \${line#-} *}" "\${live#* \${line#-} } ;;
  esac
done
for pgid in $live; do kill -9 "-$pgid" 2>/dev/null; done`;
/** The name the guardian runs under (its $0), so that `ps` shows what it is. */
export const GUARDIAN_NAME = 'qemu-cache-bench-guardian';
let guardian: ChildProcess | null | undefined;

/** Tells the guardian that group `pid` was started (`+`) or reaped (`-`); starts the guardian on first use. */
function tellGuardian(sign: '+' | '-', pid: number): void {
  if (guardian === undefined) guardian = startGuardian();
  if (guardian?.stdin?.writable) guardian.stdin.write(`${sign}${pid}\n`);
}

function startGuardian(): ChildProcess | null {
  try {
    const child = spawn('/bin/sh', ['-c', GUARDIAN_SCRIPT, GUARDIAN_NAME], {
      stdio: ['pipe', 'ignore', 'ignore'],
      detached: true,
    });
    child.on('error', () => {
      guardian = null; // no /bin/sh: the exit handler and the next run's clean-up remain
    });
    child.stdin?.on('error', () => {});
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    return child;
  } catch {
    return null;
  }
}

/** Sends `sig` to every process of the group `pid` leads; a group already gone is fine. */
function signalGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    /* already gone */
  }
}

/** Resolution of the CPU-time figures: the kernel's USER_HZ clock tick. */
export const CPU_TIME_RESOLUTION_SECONDS = 0.01;
const STDERR_TAIL_CHARS = 2000;

/** Reads this process's cumulative reaped-children CPU times (cutime, cstime) in seconds. */
export function childrenCpuSeconds(): { user: number; sys: number } {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return {
    user: Number(fields[13]) * CPU_TIME_RESOLUTION_SECONDS,
    sys: Number(fields[14]) * CPU_TIME_RESOLUTION_SECONDS,
  };
}

/**
 * Runs `file args` without a shell, in a process group of its own: a timeout or an abort kills the whole group
 * (SIGTERM, then SIGKILL after a second), whatever the program forked, and so does this process's exit. Never throws
 * for the program's failure, returns it instead.
 */
export async function runProcess(
  file: string,
  args: readonly string[],
  options: RunOptions = {},
): Promise<ProcessResult> {
  const { execa } = await import('execa'); // loaded on first use: option mistakes are reported without it
  const cpuBefore = childrenCpuSeconds();
  const started = process.hrtime.bigint();
  const timeoutMs = options.timeoutSeconds ? Math.round(options.timeoutSeconds * 1000) : undefined;
  const subprocess = execa(file, args, {
    reject: false,
    stdin: 'ignore',
    stdout: options.captureStdout ? 'pipe' : 'ignore',
    stderr: 'pipe',
    detached: true,
    cleanup: false,
    forceKillAfterDelay: KILL_AFTER_MS,
    env: options.env,
    extendEnv: true,
    cwd: options.cwd,
    stripFinalNewline: true,
  });
  const pid = subprocess.pid;
  if (pid !== undefined) {
    LIVE_GROUPS.add(pid);
    tellGuardian('+', pid);
  }
  // The wall time ends when the child is reaped ('exit'), not when its pipes are drained and execa settles.
  let exited: bigint | null = null;
  let grace: NodeJS.Timeout | null = null;
  subprocess.once('exit', () => {
    exited = process.hrtime.bigint();
    grace = setTimeout(() => {
      if (pid !== undefined) signalGroup(pid, 'SIGKILL');
      subprocess.stdout?.destroy();
      subprocess.stderr?.destroy();
    }, PIPE_GRACE_MS);
  });
  const group = killGroupOn(pid, timeoutMs, options.signal, options.killSignal);
  const result = await subprocess;
  group.dispose();
  if (grace) clearTimeout(grace);
  if (pid !== undefined) {
    signalGroup(pid, 'SIGKILL'); // nothing the program left behind in its group outlives it
    LIVE_GROUPS.delete(pid);
    tellGuardian('-', pid);
  }
  const wallSeconds = Number((exited ?? process.hrtime.bigint()) - started) / 1e9;
  const cpuAfter = childrenCpuSeconds();
  const stderr = typeof result.stderr === 'string' ? result.stderr : '';
  const timedOut = group.timedOut();
  const canceled = group.canceled();
  const notStarted = result.exitCode === undefined && result.signal === undefined && !timedOut && !canceled;
  return {
    file,
    args,
    exitCode: result.exitCode ?? null,
    signal: result.signal ?? null,
    ok: result.exitCode === 0 && !timedOut && !canceled,
    timedOut,
    canceled,
    notStarted,
    wallSeconds,
    userSeconds: round6(cpuAfter.user - cpuBefore.user),
    sysSeconds: round6(cpuAfter.sys - cpuBefore.sys),
    stdout: typeof result.stdout === 'string' ? result.stdout : '',
    stderrTail: notStarted ? (result.originalMessage ?? result.shortMessage ?? '') : stderr.slice(-STDERR_TAIL_CHARS),
  };
}

/** Kills the process group `pid` (SIGTERM, then SIGKILL after a second) when the timeout passes or `signal` aborts. */
function killGroupOn(
  pid: number | undefined,
  timeoutMs: number | undefined,
  signal: AbortSignal | undefined,
  first: NodeJS.Signals = 'SIGTERM',
) {
  let timedOut = false;
  let canceled = false;
  const kill = (sig: NodeJS.Signals) => {
    if (pid === undefined) return;
    signalGroup(pid, sig);
    setTimeout(() => signalGroup(pid, 'SIGKILL'), KILL_AFTER_MS).unref();
  };
  const onTimeout = () => {
    timedOut = true;
    kill('SIGTERM');
  };
  const onAbort = () => {
    canceled = true;
    kill(first);
  };
  const timer = timeoutMs ? setTimeout(onTimeout, timeoutMs) : null;
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return {
    timedOut: () => timedOut,
    canceled: () => canceled,
    dispose: () => {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    },
  };
}
