// What the commands need from the terminal they run in; cli/ provides it (progress bar, signal handling).
import type { Cell } from '../model/plan.ts';

/** What a bench run reports back to the terminal. */
export interface BenchUi {
  /** A line of information (stderr, not with --quiet). */
  note(message: string): void;
  /** Told before each measured cell. */
  onCell(cell: Cell, index: number, total: number): void;
  /** Told when the plan ends. */
  done(): void;
}

/** A handle on the signals received while work runs. */
export interface SignalScope {
  /** Aborted on the first SIGINT, SIGTERM or SIGHUP. */
  signal: AbortSignal;
  /** The first signal received, or null. */
  received(): NodeJS.Signals | null;
}

/** The terminal a command runs in. */
export interface Terminal {
  /** A progress display for a plan of `runs` measured and `warmup` warm-up rounds; silent when `quiet`. */
  progress(quiet: boolean, plan: { runs: number; warmup: number }): BenchUi;
  /** Runs `work` with SIGINT/SIGTERM/SIGHUP turned into an abort signal; `onSignal` is told once. */
  withSignals<T>(work: (scope: SignalScope) => Promise<T>, onSignal: (name: NodeJS.Signals) => void): Promise<T>;
}
