// The user-facing error type: a mistake the user can fix, shown as one line with exit code 2.

/** A bad input or environment the user can fix; the CLI prints its message alone and exits 2. */
export class UserError extends Error {
  /** Process exit code for this error. */
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(oneLine(message));
    this.name = 'UserError';
    this.exitCode = exitCode;
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
