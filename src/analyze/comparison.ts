// Comparison of several runs (pure): align cases and modes, relative change with bootstrap CI and Mann-Whitney U, and fairness warnings.

import { distinct } from '../model/lists.ts';
import type { Ratio, Results, Stat } from '../model/results.ts';
import { mannWhitney, ratioOfMedians } from './stats.ts';

/** One input of a comparison. */
export interface CompareInput {
  /** Short label (folder name, or host). */
  label: string;
  /** Where it was read from. */
  path: string;
  results: Results;
}

/** One side's figure in an aligned row. */
export interface CompareCell {
  label: string;
  real: Stat | null;
  /** Relative change against the reference input: median(this) / median(reference), with bootstrap CI. */
  change: Ratio | null;
  /** Mann-Whitney U two-sided p-value against the reference. */
  p: number | null;
  /** True when the change's 95% CI excludes 1 and each side has at least MIN_RUNS_FOR_SIGNIFICANCE runs. */
  significant: boolean;
  /** True when a side has too few runs to call anything significant. */
  tooFew: boolean;
}

/** A case x mode present in the reference, with each input's figure. */
export interface CompareRow {
  caseId: string;
  mode: string;
  cells: CompareCell[];
}

/** The whole comparison. */
export interface Comparison {
  inputs: {
    label: string;
    path: string;
    host: string;
    qemuImg: string;
    fsType: string;
    emulatedMs: number | null;
    flushMs: number | null;
    speedup: Ratio | null;
    writethrough: number | null;
    writeback: number | null;
    sha256: string;
  }[];
  rows: CompareRow[];
  /** What makes the comparison unfair, one line each. */
  warnings: string[];
  /** How significance is decided. */
  method: string;
}

/** Fewer runs than this on either side and a difference is never called significant (a bootstrap of 2 values says little). */
export const MIN_RUNS_FOR_SIGNIFICANCE = 3;

function real(results: Results, caseId: string, mode: string): number[] {
  return results.samples.filter((s) => s.caseId === caseId && s.mode === mode && s.ok && !s.warmup).map((s) => s.real);
}

/** Lists the differences between inputs that make a comparison unfair (or that are the point of it, e.g. storage). */
export function fairnessWarnings(inputs: readonly CompareInput[]): string[] {
  const warnings: string[] = [];
  const each = <T>(f: (r: Results) => T) => inputs.map((i) => `${i.label}: ${String(f(i.results))}`).join(', ');
  const differs = <T>(f: (r: Results) => T) => distinct(inputs.map((i) => JSON.stringify(f(i.results)))).length > 1;
  if (differs((r) => r.image.sha256))
    warnings.push(
      `different source images (sha256 ${each((r) => r.image.sha256.slice(0, 12))}): times are not comparable`,
    );
  if (differs((r) => r.cases.map((c) => c.qemuImgVersion).join('/')))
    warnings.push(`different qemu-img versions (${each((r) => r.cases.map((c) => c.qemuImgVersion).join('/'))})`);
  if (differs((r) => r.config.emulateFlushLatencyMs))
    warnings.push(
      `different EMULATED flush latency (${each((r) => (r.config.emulateFlushLatencyMs === null ? 'none (native)' : `${r.config.emulateFlushLatencyMs} ms`))}): differences in writethrough/directsync are caused by the emulation`,
    );
  if (differs((r) => distinct(r.samples.map((s) => s.cacheDrop)).join('/')))
    warnings.push(
      `page cache handled differently (${each((r) => distinct(r.samples.map((s) => s.cacheDrop)).join('/'))})`,
    );
  if (differs((r) => r.cases.map((c) => String(c.storage.fsType)).join('/')))
    warnings.push(
      `different target file systems (${each((r) => r.cases.map((c) => String(c.storage.fsType)).join('/'))})`,
    );
  if (differs((r) => r.host.hostname)) warnings.push(`different hosts (${each((r) => r.host.hostname)})`);
  if (differs((r) => r.config.runs)) warnings.push(`different run counts (${each((r) => r.config.runs)})`);
  for (const i of inputs) if (!i.results.complete) warnings.push(`${i.label} is an incomplete run (complete: false)`);
  return warnings;
}

/** Compares every input with the first (the reference), case by case and mode by mode. */
export function compareRuns(inputs: readonly CompareInput[]): Comparison {
  const [reference] = inputs;
  if (!reference) return { inputs: [], rows: [], warnings: [], method: '' };
  const rows: CompareRow[] = [];
  for (const c of reference.results.summary.cases) {
    for (const m of c.modes) {
      const base = real(reference.results, c.caseId, m.mode);
      rows.push({
        caseId: c.caseId,
        mode: m.mode,
        cells: inputs.map((input, index) => {
          const values = real(input.results, c.caseId, m.mode);
          const stat =
            input.results.summary.cases.find((x) => x.caseId === c.caseId)?.modes.find((x) => x.mode === m.mode)
              ?.real ?? null;
          if (index === 0)
            return { label: input.label, real: stat, change: null, p: null, significant: false, tooFew: false };
          const change = ratioOfMedians(values, base, 7 + index);
          const tooFew = Math.min(values.length, base.length) < MIN_RUNS_FOR_SIGNIFICANCE;
          return {
            label: input.label,
            real: stat,
            change,
            p: mannWhitney(values, base)?.p ?? null,
            tooFew,
            significant: !tooFew && change !== null && (change.ciLow > 1 || change.ciHigh < 1),
          };
        }),
      });
    }
  }
  return {
    inputs: inputs.map((i) => {
      const first = i.results.summary.cases[0];
      const mode = (name: string) => first?.modes.find((m) => m.mode === name);
      return {
        label: i.label,
        path: i.path,
        host: i.results.host.hostname,
        qemuImg: i.results.cases.map((c) => c.qemuImgVersion).join('/'),
        fsType: i.results.cases.map((c) => c.storage.fsType ?? '?').join('/'),
        emulatedMs: i.results.config.emulateFlushLatencyMs,
        flushMs: i.results.flushProbe[0]?.small?.medianMs ?? null,
        speedup: mode('writeback')?.speedup ?? null,
        writethrough: mode('writethrough')?.real?.median ?? null,
        writeback: mode('writeback')?.real?.median ?? null,
        sha256: i.results.image.sha256,
      };
    }),
    rows,
    warnings: fairnessWarnings(inputs),
    method:
      'change = median(input) / median(reference) with a 95% percentile-bootstrap CI (5000 resamples); significant when that CI excludes 1 and each side has at least 3 runs. The Mann-Whitney U two-sided p-value (normal approximation) is shown beside it for reference; with 3 runs per side it cannot go below 0.05, so the bootstrap CI decides.',
  };
}
