// ResolvedConfig -> the plan: cases (the matrix) with readable ids, and rounds of cells in a seeded per-round order.
import { uniqueLabels } from '../model/lists.ts';
import type { Cell, MatrixInput, PlanCase, Target } from '../model/plan.ts';
import { seededRandom, shuffled } from '../model/prng.ts';
import { DEFAULT_CONVERT_OPTIONS } from '../model/qemu-img-command.ts';

/** The last component of a path. */
function lastComponent(path: string): string {
  return path.split('/').filter(Boolean).pop() ?? path;
}

/** Short label of a path among its siblings: the last component, made unique by its index when needed. */
function labels(values: readonly string[]): string[] {
  return uniqueLabels(values.map(lastComponent));
}

/** One axis of the matrix: its values, how a value reads in a case id, and what it sets in a case. */
interface Axis {
  values: readonly unknown[];
  label(value: unknown, index: number): string;
  apply(c: PlanCase, value: unknown): PlanCase;
}

function axes(input: MatrixInput): Axis[] {
  const qemuLabels = labels(input.qemuImgs);
  const targetLabel = (t: Target) => (t.kind === 'dir' ? '' : `${t.kind}:`) + lastComponent(t.path);
  const targetLabels = uniqueLabels(input.targets.map(targetLabel));
  return [
    {
      values: input.qemuImgs,
      label: (_v, i) => `qemu=${qemuLabels[i]}`,
      apply: (c, v) => ({ ...c, qemuImg: v as string }),
    },
    {
      values: input.targets,
      label: (_v, i) => `tgt=${targetLabels[i]}`,
      apply: (c, v) => {
        const { kind, path } = v as Target;
        return { ...c, targetDir: path, targetKind: kind, options: { ...c.options, existingTarget: kind !== 'dir' } };
      },
    },
    { values: input.outputFormats, label: (v) => `fmt=${v}`, apply: (c, v) => ({ ...c, outputFormat: v as string }) },
    {
      values: input.srcCaches,
      label: (v) => `src=${v ?? 'default'}`,
      apply: (c, v) => ({ ...c, srcCache: v as string | null }),
    },
    {
      values: input.coroutines,
      label: (v) => `m=${v ?? 'default'}`,
      apply: (c, v) => ({ ...c, options: { ...c.options, coroutines: v as number | null } }),
    },
    {
      values: input.outOfOrder,
      label: (v) => `W=${v ? 'on' : 'off'}`,
      apply: (c, v) => ({ ...c, options: { ...c.options, outOfOrder: v as boolean } }),
    },
    {
      values: input.rateLimits,
      label: (v) => `r=${v ?? 'none'}`,
      apply: (c, v) => ({ ...c, options: { ...c.options, rateLimit: v as string | null } }),
    },
  ];
}

/** The cartesian product of the dimensions; ids name only the dimensions that vary. */
export function buildCases(input: MatrixInput): PlanCase[] {
  let cases: { c: PlanCase; parts: string[] }[] = [
    {
      c: {
        id: '',
        qemuImg: '',
        targetDir: '',
        targetKind: 'dir',
        outputFormat: '',
        srcCache: null,
        options: { ...DEFAULT_CONVERT_OPTIONS, targetIsZero: input.targetIsZero },
        command: null,
        odirectProbe: null,
      },
      parts: [],
    },
  ];
  for (const axis of axes(input)) {
    cases = cases.flatMap(({ c, parts }) =>
      axis.values.map((value, index) => {
        return {
          c: axis.apply(c, value),
          parts: axis.values.length > 1 ? [...parts, axis.label(value, index)] : parts,
        };
      }),
    );
  }
  return cases.map(({ c, parts }) => ({ ...c, id: parts.join(',') || 'default' }));
}

/**
 * Rounds of cells: warm-up rounds, then `runs` measured rounds; each round holds every case x mode once, shuffled by
 * the seed.
 */
export function buildRounds(
  caseIds: readonly string[],
  modes: readonly string[] | ((caseId: string) => readonly string[]),
  runs: number,
  warmup: number,
  seed: number,
): Cell[][] {
  const random = seededRandom(seed);
  const modesOf = typeof modes === 'function' ? modes : () => modes;
  const pairs = caseIds.flatMap((caseId) => modesOf(caseId).map((mode) => ({ caseId, mode })));
  const rounds: Cell[][] = [];
  for (let r = 1; r <= warmup + runs; r++) {
    const isWarmup = r <= warmup;
    const run = isWarmup ? r : r - warmup;
    rounds.push(shuffled(pairs, random).map((p) => ({ ...p, round: r, warmup: isWarmup, run })));
  }
  return rounds;
}
