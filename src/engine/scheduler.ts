// The engine: walks rounds of cells, measures each, checkpoints after every one; knows nothing of qemu.

/** What the engine needs from an experiment. */
export interface EngineHooks<C, S> {
  /** Measures one cell; must not throw for a failed measurement (return it as a sample). */
  measure(cell: C, signal: AbortSignal): Promise<S>;
  /** Called with every finished sample, before the next cell starts (write results here). */
  record(sample: S, cell: C): Promise<void> | void;
  /** Cells already measured in an earlier, interrupted run (resume); they are skipped. */
  isDone?(cell: C): boolean;
  /** True when the plan should stop after this sample (e.g. --on-failure stop). */
  shouldStop?(sample: S): boolean;
  /** Told before each cell: index among the cells to run, their count. */
  onStart?(cell: C, index: number, total: number): void;
}

/** How a plan ended. */
export interface EngineOutcome {
  /** True when every cell was measured. */
  complete: boolean;
  /** True when the abort signal stopped it. */
  interrupted: boolean;
  /** True when shouldStop stopped it. */
  stopped: boolean;
  /** Cells measured in this call. */
  measured: number;
}

/** Runs `rounds` in order; a sample measured while `signal` aborted is dropped, not recorded. */
export async function runRounds<C, S>(
  rounds: readonly (readonly C[])[],
  hooks: EngineHooks<C, S>,
  signal: AbortSignal,
): Promise<EngineOutcome> {
  const todo = rounds.flat().filter((cell) => !hooks.isDone?.(cell));
  let measured = 0;
  for (const [index, cell] of todo.entries()) {
    if (signal.aborted) return { complete: false, interrupted: true, stopped: false, measured };
    hooks.onStart?.(cell, index, todo.length);
    const sample = await hooks.measure(cell, signal);
    if (signal.aborted) return { complete: false, interrupted: true, stopped: false, measured };
    await hooks.record(sample, cell);
    measured++;
    if (hooks.shouldStop?.(sample) && index < todo.length - 1)
      return { complete: false, interrupted: false, stopped: true, measured };
  }
  return { complete: true, interrupted: false, stopped: false, measured };
}
