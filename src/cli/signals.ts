// SIGINT/SIGTERM handling for long commands: abort the work, remember which signal, map it to the exit code.
import type { SignalScope } from '../commands/terminal-port.ts';

/** Exit codes for a run ended by SIGINT / SIGTERM. */
export const SIGNAL_EXIT: Record<string, number> = { SIGINT: 130, SIGTERM: 143 };

/** Runs `work` with SIGINT/SIGTERM turned into an abort signal; `onSignal` is told once. */
export async function withSignals<T>(
  work: (scope: SignalScope) => Promise<T>,
  onSignal: (name: NodeJS.Signals) => void,
): Promise<T> {
  const controller = new AbortController();
  let first: NodeJS.Signals | null = null;
  const handler = (name: NodeJS.Signals) => {
    if (first) return;
    first = name;
    onSignal(name);
    controller.abort(name);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  const exitCode = () => SIGNAL_EXIT[first ?? 'SIGINT'] ?? 130;
  try {
    return await work({ signal: controller.signal, received: () => first, exitCode });
  } finally {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  }
}
