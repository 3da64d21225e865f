// The engine: walks rounds of cells, measures each, checkpoints after every one; knows nothing of qemu.

/** What the engine needs from an experiment. */
export interface EngineHooks<C, S> {
  /** Measures one cell; must not throw for a failed measurement (return it as a sample). */
  measure(cell: C, signal: AbortSignal): Promise<S>;
  /** Called with every finished sample, before the next cell starts (write results here). */
  record(sample: S, cell: C): Promise<void> | void;
  /** Cells already measured in an earlier, interrupted run (resume); they are skipped. */
  isDone?(cell: C): boolean;
  /** Asked just before a cell runs: true leaves it out (adaptive sampling's allocation); it is not measured. */
  skip?(cell: C): boolean;
  /** True when the plan should stop after this sample (e.g. --on-failure stop). */
  shouldStop?(sample: S): boolean;
  /** Asked after each round that ran cells (1-based count of rounds walked): false ends the plan there. */
  continueAfterRound?(roundsWalked: number): boolean;
  /** Told before each cell: index among the cells to run, their count. */
  onStart?(cell: C, index: number, total: number): void;
}

/** How a plan ended, keyed by `state`. */
export interface EngineOutcome {
  /**
   * complete: every cell was measured, or continueAfterRound ended the plan between rounds; interrupted: the abort
   * signal stopped it; stopped: shouldStop stopped it after a sample.
   */
  state: 'complete' | 'interrupted' | 'stopped';
  /** Cells measured in this call. */
  measured: number;
  /** Rounds walked (with or without cells left to run). */
  rounds: number;
}

/** Runs `rounds` in order; a sample measured while `signal` aborted is dropped, not recorded. */
export async function runRounds<C, S>(
  rounds: readonly (readonly C[])[],
  hooks: EngineHooks<C, S>,
  signal: AbortSignal,
): Promise<EngineOutcome> {
  const todo = rounds.map((round) => round.filter((cell) => !hooks.isDone?.(cell)));
  const total = todo.reduce((n, round) => n + round.length, 0);
  const end = (state: EngineOutcome['state'], rounds: number): EngineOutcome => ({ state, measured, rounds });
  let measured = 0;
  for (const [r, round] of todo.entries()) {
    for (const cell of round) {
      if (signal.aborted) return end('interrupted', r);
      if (hooks.skip?.(cell)) continue;
      hooks.onStart?.(cell, measured, total);
      const sample = await hooks.measure(cell, signal);
      if (signal.aborted) return end('interrupted', r);
      await hooks.record(sample, cell);
      measured++;
      if (hooks.shouldStop?.(sample) && measured < total) return end('stopped', r);
    }
    const last = r === todo.length - 1;
    if (!last && hooks.continueAfterRound && !hooks.continueAfterRound(r + 1)) return end('complete', r + 1);
  }
  return end('complete', todo.length);
}
