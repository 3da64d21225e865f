// The plan's vocabulary: cases of the matrix and the cells (a mode of a case in a round) the engine runs.
import type { ConvertOptions } from './qemu-img-command.ts';

/** One combination of the matrix dimensions. */
export interface PlanCase {
  /** Readable id, e.g. "default" or "fmt=qcow2,tgt=b". */
  id: string;
  qemuImg: string;
  targetDir: string;
  outputFormat: string;
  srcCache: string | null;
  /** -m, -W, -n --target-is-zero, -r of this case. */
  options: ConvertOptions;
}

/** One scheduled run: a mode of a case in a round. */
export interface Cell {
  caseId: string;
  mode: string;
  /** Round number, 1-based; warm-up rounds come first. */
  round: number;
  /** True in warm-up rounds (kept out of statistics). */
  warmup: boolean;
  /** Measured-run number of this case x mode (1-based), or the warm-up number. */
  run: number;
}

/** The matrix dimensions a plan is built from. */
export interface MatrixInput {
  qemuImgs: readonly string[];
  targetDirs: readonly string[];
  outputFormats: readonly string[];
  srcCaches: readonly (string | null)[];
  /** -m values (null: qemu-img's default). */
  coroutines: readonly (number | null)[];
  /** -W off and/or on. */
  outOfOrder: readonly boolean[];
  /** -r values (null: no limit). */
  rateLimits: readonly (string | null)[];
  /** -n --target-is-zero for every case. */
  targetIsZero: boolean;
}
