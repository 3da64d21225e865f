// Samples -> Summary: per case and mode, statistics of every metric, speedup against the baseline, warnings.
import type { ModeSummary, Sample, Summary } from '../model/results.ts';
import { describe, outlierIndexes, ratioOfMedians } from './stats.ts';

/** Relative CI width (high-low)/ratio above which a speedup is flagged as too uncertain. */
export const WIDE_CI = 0.5;

function seedOf(text: string, base: number): number {
  let h = base >>> 0;
  for (const ch of text) h = Math.imul(h ^ ch.charCodeAt(0), 16777619) >>> 0;
  return h;
}

/** Summarises one mode's measured samples against the baseline's. */
export function summarizeMode(
  mode: string,
  samples: readonly Sample[],
  baselineOk: readonly Sample[],
  baseline: string,
  seed: number,
): ModeSummary {
  const measured = samples.filter((s) => !s.warmup);
  const ok = measured.filter((s) => s.ok);
  const failed = measured.filter((s) => !s.ok);
  const pick = (f: (s: Sample) => number) => ok.map(f);
  const warnings: string[] = [];
  const real = pick((s) => s.real);
  const outliers = outlierIndexes(real).map((i) => (ok[i] as Sample).run);
  if (outliers.length)
    warnings.push(
      `${mode}: run ${outliers.join(', ')} is an outlier (modified z-score > 3.5); another program may have disturbed it`,
    );
  if (failed.length && ok.length)
    warnings.push(`${mode}: ${failed.length} of ${measured.length} runs failed (${failed[0]?.error ?? 'unknown'})`);
  const speedup =
    mode === baseline
      ? null
      : ratioOfMedians(
          baselineOk.map((s) => s.real),
          real,
          seedOf(mode, seed),
        );
  const durableSpeedup =
    mode === baseline
      ? null
      : ratioOfMedians(
          baselineOk.map((s) => s.durable),
          pick((s) => s.durable),
          seedOf(`${mode}/durable`, seed),
        );
  if (speedup && speedup.ciLow <= 1 && speedup.ciHigh >= 1)
    warnings.push(
      `${mode}: the speedup's 95% CI (${speedup.ciLow.toFixed(2)}-${speedup.ciHigh.toFixed(2)}x) includes 1; no difference from ${baseline} can be concluded`,
    );
  else if (speedup && (speedup.ciHigh - speedup.ciLow) / speedup.ratio > WIDE_CI)
    warnings.push(
      `${mode}: the speedup's 95% CI is wide (${speedup.ciLow.toFixed(2)}-${speedup.ciHigh.toFixed(2)}x); more --runs would narrow it`,
    );
  const dirty = ok.map((s) => s.dirtyAfterKiB).filter((d): d is number => d !== null);
  return {
    mode,
    state: ok.length ? 'measured' : failed.length ? 'unsupported' : 'not-run',
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
    speedup,
    durableSpeedup,
    outliers,
    warnings,
  };
}

/** Summarises every case x mode of a run. */
export function summarize(
  samples: readonly Sample[],
  caseIds: readonly string[],
  modes: readonly string[],
  baseline: string,
  seed: number,
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
            seedOf(caseId, seed),
          ),
        ),
      };
    }),
  };
}
