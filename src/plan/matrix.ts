// ResolvedConfig -> the plan: cases (the matrix) with readable ids, and rounds of cells in a seeded per-round order.
import { seededRandom, shuffled } from './prng.ts';

/** One combination of the matrix dimensions. */
export interface PlanCase {
  /** Readable id, e.g. "default" or "fmt=qcow2,tgt=b". */
  id: string;
  qemuImg: string;
  targetDir: string;
  outputFormat: string;
  srcCache: string | null;
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
}

/** Short label of a path among its siblings: the last component, made unique by its index when needed. */
function labels(values: readonly string[]): string[] {
  const names = values.map((v) => v.split('/').filter(Boolean).pop() ?? v);
  return names.map((n, i) => (names.indexOf(n) !== names.lastIndexOf(n) ? `${n}#${i + 1}` : n));
}

/** The cartesian product of the dimensions; ids name only the dimensions that vary. */
export function buildCases(input: MatrixInput): PlanCase[] {
  const qemuLabels = labels(input.qemuImgs);
  const dirLabels = labels(input.targetDirs);
  const cases: PlanCase[] = [];
  input.qemuImgs.forEach((qemuImg, qi) =>
    input.targetDirs.forEach((targetDir, ti) =>
      input.outputFormats.forEach((outputFormat) =>
        input.srcCaches.forEach((srcCache) => {
          const parts: string[] = [];
          if (input.qemuImgs.length > 1) parts.push(`qemu=${qemuLabels[qi]}`);
          if (input.targetDirs.length > 1) parts.push(`tgt=${dirLabels[ti]}`);
          if (input.outputFormats.length > 1) parts.push(`fmt=${outputFormat}`);
          if (input.srcCaches.length > 1) parts.push(`src=${srcCache ?? 'default'}`);
          cases.push({ id: parts.join(',') || 'default', qemuImg, targetDir, outputFormat, srcCache });
        }),
      ),
    ),
  );
  return cases;
}

/** Rounds of cells: warm-up rounds, then `runs` measured rounds; each round holds every case x mode once, shuffled by the seed. */
export function buildRounds(caseIds: readonly string[], modes: readonly string[], runs: number, warmup: number, seed: number): Cell[][] {
  const random = seededRandom(seed);
  const pairs = caseIds.flatMap((caseId) => modes.map((mode) => ({ caseId, mode })));
  const rounds: Cell[][] = [];
  for (let r = 1; r <= warmup + runs; r++) {
    const isWarmup = r <= warmup;
    const run = isWarmup ? r : r - warmup;
    rounds.push(shuffled(pairs, random).map((p) => ({ ...p, round: r, warmup: isWarmup, run })));
  }
  return rounds;
}
