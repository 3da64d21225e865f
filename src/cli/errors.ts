// The user-facing error type: a mistake the user can fix, shown as one line with exit code 2.

/** A bad input or environment the user can fix; the CLI prints its message alone and exits 2. */
export class UserError extends Error {
  /** Process exit code for this error. */
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}
