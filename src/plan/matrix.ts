// ResolvedConfig -> the plan: cases (the matrix) with readable ids, and rounds of cells in a seeded per-round order.
import { uniqueLabels } from '../model/lists.ts';
import type { Cell, MatrixInput, PlanCase } from '../model/plan.ts';
import { seededRandom, shuffled } from '../model/prng.ts';

/** Short label of a path among its siblings: the last component, made unique by its index when needed. */
function labels(values: readonly string[]): string[] {
  return uniqueLabels(values.map((v) => v.split('/').filter(Boolean).pop() ?? v));
}

/** The cartesian product of the dimensions; ids name only the dimensions that vary. */
export function buildCases(input: MatrixInput): PlanCase[] {
  const qemuLabels = labels(input.qemuImgs);
  const dirLabels = labels(input.targetDirs);
  const cases: PlanCase[] = [];
  for (const [qi, qemuImg] of input.qemuImgs.entries()) {
    for (const [ti, targetDir] of input.targetDirs.entries()) {
      for (const outputFormat of input.outputFormats) {
        for (const srcCache of input.srcCaches) {
          const parts: string[] = [];
          if (input.qemuImgs.length > 1) parts.push(`qemu=${qemuLabels[qi]}`);
          if (input.targetDirs.length > 1) parts.push(`tgt=${dirLabels[ti]}`);
          if (input.outputFormats.length > 1) parts.push(`fmt=${outputFormat}`);
          if (input.srcCaches.length > 1) parts.push(`src=${srcCache ?? 'default'}`);
          cases.push({ id: parts.join(',') || 'default', qemuImg, targetDir, outputFormat, srcCache });
        }
      }
    }
  }
  return cases;
}

/**
 * Rounds of cells: warm-up rounds, then `runs` measured rounds; each round holds every case x mode once, shuffled by
 * the seed.
 */
export function buildRounds(
  caseIds: readonly string[],
  modes: readonly string[],
  runs: number,
  warmup: number,
  seed: number,
): Cell[][] {
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
