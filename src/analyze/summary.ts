// Samples -> Summary: per case and mode, statistics of every metric, speedup against the baseline, warnings.
import type { ModeSummary, Ratio, Sample, Summary } from '../model/results.ts';
import { describe, halfWidthShare, outlierIndexes, ratioInterval } from './stats.ts';

/** Half-width of a speedup's interval, as a share of the ratio, above which it is flagged as too uncertain. */
export const WIDE_HALF_WIDTH = 0.25;

/** The interval of a ratio as text, e.g. "1.75-4.65x". */
function interval(r: Ratio): string {
  return `${r.ciLow?.toFixed(2)}-${r.ciHigh?.toFixed(2)}x`;
}

/** What a reader must be told about one mode's figures. */
function modeWarnings(
  mode: string,
  ok: Sample[],
  failed: Sample[],
  outliers: number[],
  speedup: Ratio | null,
  baseline: string | null,
): string[] {
  const warnings: string[] = [];
  const measured = ok.length + failed.length;
  if (outliers.length) {
    const which = `run ${outliers.join(', ')} is an outlier (modified z-score > 3.5 among ${ok.length} runs)`;
    warnings.push(`${mode}: ${which}; another program may have disturbed it`);
  }
  if (failed.length && ok.length) {
    warnings.push(`${mode}: ${failed.length} of ${measured} runs failed (${failed[0]?.error ?? 'unknown'})`);
  }
  if (ok.length === 1) warnings.push(`${mode}: 1 run only, so no interval exists for its figures; use 2 or more runs`);
  if (!speedup || speedup.ciLow === null || speedup.ciHigh === null) return warnings;
  if (speedup.ciLow <= 1 && speedup.ciHigh >= 1) {
    const none = `no difference from ${baseline} can be concluded`;
    warnings.push(`${mode}: the speedup's 95% interval (${interval(speedup)}) includes 1; ${none}`);
  } else if ((halfWidthShare(speedup) ?? 0) > WIDE_HALF_WIDTH) {
    warnings.push(`${mode}: the speedup's 95% interval is wide (${interval(speedup)}); more runs would narrow it`);
  }
  return warnings;
}

/** A mode none of whose runs succeeded: failed when the kernel or the timeout ended them, else unsupported. */
function failedState(failed: readonly Sample[]): 'failed' | 'unsupported' {
  return failed.every((s) => s.memory?.oomKilled || s.state === 'timed-out') ? 'failed' : 'unsupported';
}

/** Summarises one mode's measured samples against the baseline's (no speedup without a baseline, or for it). */
export function summarizeMode(
  mode: string,
  samples: readonly Sample[],
  baselineOk: readonly Sample[],
  baseline: string | null,
): ModeSummary {
  const measured = samples.filter((s) => !s.warmup);
  const ok = measured.filter((s) => s.ok);
  const failed = measured.filter((s) => !s.ok);
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
    warnings: modeWarnings(mode, ok, failed, outliers, speedup, baseline),
  };
}

/** Every mode's warnings of a run, tagged with their case when the run has several. */
export function runWarnings(summary: Summary): string[] {
  const tag = (caseId: string, w: string) => (summary.cases.length > 1 ? `[${caseId}] ${w}` : w);
  return summary.cases.flatMap((c) => c.modes.flatMap((m) => m.warnings.map((w) => tag(c.caseId, w))));
}

/** Summarises every case x mode of a run; `baseline` null means a run without speedups. */
export function summarize(
  samples: readonly Sample[],
  caseIds: readonly string[],
  modes: readonly string[],
  baseline: string | null,
): Summary {
  return {
    baseline,
    cases: caseIds.map((caseId) => {
      const ofCase = samples.filter((s) => s.caseId === caseId);
      const baselineOk = ofCase.filter((s) => s.mode === baseline && s.ok && !s.warmup);
      return {
        caseId,
        modes: modes.map((mode) =>
          summarizeMode(
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
 * The widest speedup interval of a summary as a share of its ratio (Infinity while a measured mode has no interval
 * yet), or null when the run has no speedups at all (no baseline, or only the baseline measured).
 */
export function widestHalfWidth(summary: Summary): number | null {
  const compared = summary.cases.flatMap((c) =>
    c.modes.filter((m) => m.mode !== summary.baseline && m.state === 'measured'),
  );
  if (summary.baseline === null || compared.length === 0) return null;
  return Math.max(...compared.map((m) => halfWidthShare(m.speedup) ?? Number.POSITIVE_INFINITY));
}
