// What one bench run carries from stage to stage: its config, UI, plan, convert contexts, results and checkpoint.
import type { ResolvedConfig } from '../config/resolve.ts';
import type { ConvertContext } from '../engine/convert-run.ts';
import type { PlanCase } from '../model/plan.ts';
import type { Results } from '../model/results.ts';
import type { BenchUi } from './terminal-port.ts';

/** Saves the results (called after every run); the caller decides where and how. */
export type Checkpoint = (results: Results) => void;

/** What one bench run works with once its image is ready and its target dirs are locked. */
export interface RunState {
  config: ResolvedConfig;
  /** When the bench started (ms since the epoch): the --budget counts from here. */
  benchStarted: number;
  ui: BenchUi;
  signal: AbortSignal;
  checkpoint: Checkpoint;
  planCases: PlanCase[];
  contexts: Map<string, ConvertContext>;
  results: Results;
}
