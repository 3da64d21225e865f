// Samples -> Summary: per case and mode, statistics of every metric, speedup against the baseline, warnings.
import type { RunWarning } from '../model/findings.ts';
import {
  type ModeSummary,
  measuredRuns,
  type Ratio,
  type Results,
  type Sample,
  type Summary,
} from '../model/results.ts';
import { describe, halfWidthShare, outlierIndexes, ratioInterval } from './stats.ts';

/** Half-width of a speedup's interval, as a share of the ratio, above which it is flagged as too uncertain. */
export const WIDE_HALF_WIDTH = 0.25;

/** What a reader must be told about one mode's figures (facts; report/ words them). */
function modeWarnings(
  where: { caseId: string; mode: string },
  ok: Sample[],
  failed: Sample[],
  outliers: number[],
  speedup: Ratio | null,
  baseline: string | null,
): RunWarning[] {
  const warnings: RunWarning[] = [];
  if (outliers.length) warnings.push({ code: 'outlier', ...where, runs: outliers, among: ok.length });
  const unsettled = ok.filter((s) => s.discardWait?.settled === false);
  if (unsettled.length) {
    const waitedSeconds = Math.max(...unsettled.map((s) => s.discardWait?.seconds ?? 0));
    warnings.push({ code: 'discards-in-flight', ...where, runs: unsettled.map((s) => s.run), waitedSeconds });
  }
  // Every failure counts, also when no run succeeded (a mode qemu-img refused each time is 'unsupported' instead).
  if (failed.length && !(ok.length === 0 && failed.every((f) => f.failure === 'unsupported'))) {
    const error = failed[0]?.error ?? null;
    warnings.push({ code: 'runs-failed', ...where, failed: failed.length, of: ok.length + failed.length, error });
  }
  if (ok.length === 1) warnings.push({ code: 'single-run', ...where });
  if (!speedup || speedup.ciLow === null || speedup.ciHigh === null || baseline === null) return warnings;
  const interval = { ciLow: speedup.ciLow, ciHigh: speedup.ciHigh };
  if (speedup.ciLow <= 1 && speedup.ciHigh >= 1) {
    warnings.push({ code: 'interval-includes-one', ...where, baseline, ...interval });
  } else if ((halfWidthShare(speedup) ?? 0) > WIDE_HALF_WIDTH) {
    warnings.push({ code: 'interval-wide', ...where, ...interval });
  }
  return warnings;
}

/** A mode none of whose runs succeeded: unsupported only when qemu-img refused the mode every time, else failed. */
function failedState(failed: readonly Sample[]): 'failed' | 'unsupported' {
  return failed.every((s) => s.failure === 'unsupported') ? 'unsupported' : 'failed';
}

/** Summarises one mode's measured samples against the baseline's (no speedup without a baseline, or for it). */
export function summarizeMode(
  caseId: string,
  mode: string,
  samples: readonly Sample[],
  baselineOk: readonly Sample[],
  baseline: string | null,
): ModeSummary {
  const measured = samples.filter((s) => !s.warmup);
  const ok = measured.filter((s) => s.state === 'ok');
  const failed = measured.filter((s) => s.state !== 'ok');
  const pick = (f: (s: Sample) => number) => ok.map(f);
  const real = pick((s) => s.real);
  const outliers = outlierIndexes(real).map((i) => (ok[i] as Sample).run);
  const compare = baseline !== null && mode !== baseline;
  const speedup = compare
    ? ratioInterval(
        baselineOk.map((s) => s.real),
        real,
      )
    : null;
  const durableSpeedup = compare
    ? ratioInterval(
        baselineOk.map((s) => s.durable),
        pick((s) => s.durable),
      )
    : null;
  const dirty = ok.map((s) => s.dirtyAfterKiB).filter((d): d is number => d !== null);
  const withBytes = ok.filter((s) => s.outputBytes !== null && s.real > 0);
  const rate = (seconds: (s: Sample) => number) =>
    describe(withBytes.map((s) => (s.outputBytes as number) / 1e6 / seconds(s)));
  return {
    mode,
    state: ok.length ? 'measured' : failed.length ? failedState(failed) : 'not-run',
    runs: ok.length,
    failed: failed.length,
    error: ok.length ? null : (failed[0]?.error ?? null),
    real: describe(real),
    user: describe(pick((s) => s.user)),
    sys: describe(pick((s) => s.sys)),
    sync: describe(pick((s) => s.sync)),
    durable: describe(pick((s) => s.durable)),
    wait: describe(pick((s) => Math.max(0, s.real - s.user - s.sys))),
    dirtyAfterKiB: describe(dirty),
    throughput: rate((s) => s.real),
    durableThroughput: rate((s) => s.durable),
    speedup,
    durableSpeedup,
    outliers,
    warnings: modeWarnings({ caseId, mode }, ok, failed, outliers, speedup, baseline),
  };
}

/** Every mode's warnings of a run. */
export function runWarnings(summary: Summary): RunWarning[] {
  return summary.cases.flatMap((c) => c.modes.flatMap((m) => m.warnings));
}

/** The modes of a case that have measured runs, in the summary's order. */
export function measuredModes(summary: Summary, caseId: string): ModeSummary[] {
  return summary.cases.find((c) => c.caseId === caseId)?.modes.filter((m) => m.state === 'measured') ?? [];
}

/** Summarises every case x mode of a run; `baseline` null means a run without speedups. */
export function summarize(
  samples: readonly Sample[],
  caseIds: readonly string[],
  modes: readonly string[] | ((caseId: string) => readonly string[]),
  baseline: string | null,
): Summary {
  const modesOf = typeof modes === 'function' ? modes : () => modes;
  return {
    baseline,
    cases: caseIds.map((caseId) => {
      const ofCase = samples.filter((s) => s.caseId === caseId);
      const baselineOk = ofCase.filter((s) => s.mode === baseline && s.state === 'ok' && !s.warmup);
      return {
        caseId,
        modes: modesOf(caseId).map((mode) =>
          summarizeMode(
            caseId,
            mode,
            ofCase.filter((s) => s.mode === mode),
            baselineOk,
            baseline,
          ),
        ),
      };
    }),
  };
}

/**
 * The widest speedup interval of a run at confidence `level`, as a share of its ratio (Infinity while a measured mode
 * has no interval yet), or null when the run has no speedups at all (no baseline, or only the baseline measured).
 */
export function widestHalfWidth(results: Pick<Results, 'summary' | 'samples'>, level = 0.95): number | null {
  const { summary } = results;
  const baseline = summary.baseline;
  const times = (caseId: string, mode: string | null) => measuredRuns(results, caseId, mode).map((s) => s.real);
  const compared = summary.cases.flatMap((c) =>
    c.modes.filter((m) => m.mode !== baseline && m.state === 'measured').map((m) => [c.caseId, m.mode] as const),
  );
  if (baseline === null || compared.length === 0) return null;
  const share = ([caseId, mode]: readonly [string, string]) =>
    halfWidthShare(ratioInterval(times(caseId, baseline), times(caseId, mode), level)) ?? Number.POSITIVE_INFINITY;
  return Math.max(...compared.map(share));
}
