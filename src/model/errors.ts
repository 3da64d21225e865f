// How a command can end, the exit code of each (the one place that maps them), and the error types that carry them.

/** Every way a command ends: its exit code and what --help, the man page and docs/safety.md say it means (the one map of the two). */
export const ENDINGS = {
  ok: { code: 0, meaning: 'measured or rendered what was asked' },
  usage: { code: 2, meaning: 'a bad option or input file; nothing was created' },
  environment: {
    code: 3,
    meaning: 'qemu-img missing or too old, root needed, a target or cache not writable, a lock held',
  },
  'nothing-measured': { code: 4, meaning: 'every run failed; results kept' },
  internal: { code: 70, meaning: 'a bug in qemu-cache-bench (printed with a stack; please report it)' },
  hangup: { code: 129, meaning: 'SIGHUP (terminal or SSH session closed); cleaned up and kept as for SIGTERM' },
  interrupted: { code: 130, meaning: 'SIGINT or SIGTERM; finished runs kept (--resume continues)' },
} as const;

/** How work stopped by a signal ends: 129 after SIGHUP (the terminal closed), 130 after SIGINT or SIGTERM. */
export function endingOfSignal(signal: NodeJS.Signals | null): 'hangup' | 'interrupted' {
  return signal === 'SIGHUP' ? 'hangup' : 'interrupted';
}

/** How a command ended. */
export type Ending = keyof typeof ENDINGS;

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
