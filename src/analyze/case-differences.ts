// What changed between the cases of a matrix: for each pair of cases that differ in one dimension only (two qemu-img
// builds, two targets, two option sets), each mode's wall time in one against the other (pure).
import { CASE_DIMENSIONS, type CaseDifference, type CaseDimension } from '../model/findings.ts';
import { optionArgs } from '../model/qemu-img-command.ts';
import { measuredRuns, type Results, type RunCase } from '../model/results.ts';
import { ratioInterval } from './stats.ts';

/** A case's value in one dimension, as the matrix was given it. */
function dimensionValue(c: RunCase, d: CaseDimension): string {
  switch (d) {
    case 'qemu-img':
      return c.qemuImg;
    case 'target':
      return c.targetDir;
    case 'output format':
      return c.outputFormat;
    case 'source cache':
      return c.srcCache ?? 'default';
    case 'options':
      return optionArgs(c.options).join(' ') || 'none';
  }
}

/** How a report names a case's value: a build by its version, and by its path too when two builds share one. */
function shownValue(c: RunCase, other: RunCase, d: CaseDimension): string {
  if (d === 'options') return idPartsNotIn(c.id, other.id) || dimensionValue(c, d);
  if (d !== 'qemu-img') return dimensionValue(c, d);
  const same = c.qemuImgVersion === other.qemuImgVersion;
  return same ? `${c.qemuImgVersion} (${c.qemuImg})` : c.qemuImgVersion;
}

/** The parts of a case id ("m=8,W=on") the other case's id lacks: what the matrix varied, as the user gave it. */
function idPartsNotIn(id: string, other: string): string {
  const theirs = new Set(other.split(','));
  return id
    .split(',')
    .filter((p) => !theirs.has(p))
    .join(',');
}

/** The other dimensions' values: cases with the same key differ in `d` only. */
function keyWithout(c: RunCase, d: CaseDimension): string {
  return JSON.stringify(CASE_DIMENSIONS.filter((x) => x !== d).map((x) => dimensionValue(c, x)));
}

/**
 * Every pair of cases that differ in exactly one dimension, the first case of the matrix with the other values as the
 * baseline: per mode measured in both, the other case's time / the baseline's with its interval at `level`. Empty for
 * a run of one case and under --as-projects (its cases differ by command).
 */
export function caseDifferences(results: Results, level = 0.95): CaseDifference[] {
  const cases = results.cases;
  if (cases.length < 2 || cases.some((c) => c.command)) return [];
  const out: CaseDifference[] = [];
  for (const dimension of CASE_DIMENSIONS) {
    const groups = new Map<string, RunCase[]>();
    for (const c of cases) {
      const key = keyWithout(c, dimension);
      groups.set(key, [...(groups.get(key) ?? []), c]);
    }
    for (const [baseline, ...others] of groups.values()) {
      if (!baseline) continue;
      for (const c of others) out.push(...modeRatios(results, baseline, c, dimension, level));
    }
  }
  return out;
}

function modeRatios(
  results: Results,
  baseline: RunCase,
  c: RunCase,
  dimension: CaseDimension,
  level: number,
): CaseDifference[] {
  const modes = results.summary.cases.find((x) => x.caseId === c.id)?.modes ?? [];
  return modes.flatMap(({ mode }) => {
    const times = (id: string) => measuredRuns(results, id, mode).map((s) => s.real);
    const ratio = ratioInterval(times(c.id), times(baseline.id), level);
    if (!ratio) return [];
    const [baselineValue, value] = [shownValue(baseline, c, dimension), shownValue(c, baseline, dimension)];
    return [{ dimension, baselineCaseId: baseline.id, caseId: c.id, baselineValue, value, mode, ratio }];
  });
}
