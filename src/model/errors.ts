// How a command can end, the exit code of each (the one place that maps them), and the error types that carry them.

/** Every way a command ends, with its exit code. */
export const EXIT_CODES = {
  /** Measured (or rendered) what was asked. */
  ok: 0,
  /** A bad option or input file; nothing was created. */
  usage: 2,
  /** The machine cannot run it: qemu-img missing or too old, not root where root is needed, a target not writable,
   * a lock held, a cache folder not writable. */
  environment: 3,
  /** Every run failed; the results are kept. */
  'nothing-measured': 4,
  /** A bug in qemu-cache-bench: the only kind printed with a stack. */
  internal: 70,
  /** SIGINT or SIGTERM; the finished runs are kept (continue with --resume). */
  interrupted: 130,
} as const;

/** How a command ended. */
export type Ending = keyof typeof EXIT_CODES;

/** What --help and the README say each exit code means. */
export const EXIT_CODE_MEANINGS: Record<Ending, string> = {
  ok: 'measured or rendered what was asked',
  usage: 'a bad option or input file; nothing was created',
  environment: 'qemu-img missing or too old, root needed, a target or cache not writable, a lock held',
  'nothing-measured': 'every run failed; results kept',
  internal: 'a bug in qemu-cache-bench (printed with a stack; please report it)',
  interrupted: 'SIGINT or SIGTERM; finished runs kept (--resume continues)',
};

/** An error the user can act on: printed as its one-line message alone, with the exit code of its kind. */
export abstract class KnownError extends Error {
  /** Which kind of ending this is (decides the exit code). */
  abstract readonly kind: Ending;
  constructor(message: string) {
    super(oneLine(message));
  }
}

/** A bad option, value or input file: exit 2, nothing created. */
export class UsageError extends KnownError {
  readonly kind = 'usage';
  override readonly name = 'UsageError';
}

/** The machine cannot do what was asked (missing tool, permissions, a held lock): exit 3. */
export class EnvironmentError extends KnownError {
  readonly kind = 'environment';
  override readonly name = 'EnvironmentError';
}

/** Work stopped by SIGINT or SIGTERM before it finished: exit 130. */
export class InterruptedError extends KnownError {
  readonly kind = 'interrupted';
  override readonly name = 'InterruptedError';
}

/** A target folder held by another run: the facts, worded by whoever knows the flags. */
export class LockHeldError extends EnvironmentError {
  constructor(
    /** The folder the lock guards. */
    readonly dir: string,
    /** The holder's process id. */
    readonly pid: number,
    /** The holder's host name, or null when the lock does not say. */
    readonly host: string | null,
    /** The lock file, to remove by hand when its holder is gone. */
    readonly lockFile: string,
    /** What the folder is to the run: where qemu-img writes, or where results go. */
    readonly purpose: 'target' | 'results' = 'target',
  ) {
    super(`${dir} is in use by another qemu-cache-bench (PID ${pid}${host ? ` on ${host}` : ''})`);
  }
}

/** Escapes control characters (a newline in a path, say) so a message stays on one line. */
export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f]/g, (c) =>
    c === '\n'
      ? '\\n'
      : c === '\t'
        ? '\\t'
        : c === '\r'
          ? '\\r'
          : `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}
