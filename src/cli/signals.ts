// SIGINT/SIGTERM/SIGHUP handling for long commands: abort the work and remember which signal came first.
import type { SignalScope } from '../commands/terminal-port.ts';
import { ENDINGS, endingOfSignal } from '../model/errors.ts';

/**
 * Runs `work` with SIGINT/SIGTERM/SIGHUP turned into an abort signal; `onSignal` is told once. After SIGHUP the
 * terminal is gone: writes to it may fail (EIO, EPIPE), which must not stop the cleanup.
 */
export async function withSignals<T>(
  work: (scope: SignalScope) => Promise<T>,
  onSignal: (name: NodeJS.Signals) => void,
): Promise<T> {
  const controller = new AbortController();
  let first: NodeJS.Signals | null = null;
  const handler = (name: NodeJS.Signals) => {
    if (first) return;
    first = name;
    if (name === 'SIGHUP') for (const stream of [process.stdout, process.stderr]) stream.on('error', () => {});
    onSignal(name);
    controller.abort(name);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  process.on('SIGHUP', handler);
  try {
    return await work({ signal: controller.signal, received: () => first });
  } finally {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
    process.off('SIGHUP', handler);
  }
}

/**
 * Outside a command's own handling (before it starts, after it ends) a signal ends the process with the exit code of
 * its kind (130, 129 for SIGHUP), never by the signal itself, which leaves the caller no exit code. It stands aside
 * while `withSignals` listens too.
 */
export function exitOnStraySignals(): void {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (process.listenerCount(signal) === 1) process.exit(ENDINGS[endingOfSignal(signal)].code);
    });
  }
}
