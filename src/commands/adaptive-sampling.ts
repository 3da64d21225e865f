// Adaptive sampling between rounds: go on until the run's key ratios are precise enough (every speedup against the
// baseline; without a baseline, every margin between the fastest durable modes), within --min-runs, --max-runs and
// the --budget, and say afterwards why sampling stopped.
import { widestMarginHalfWidth } from '../analyze/recommendation.ts';
import { halfWidthShare, ratioInterval } from '../analyze/stats.ts';
import { widestHalfWidth } from '../analyze/summary.ts';
import { realTimes } from '../analyze/verdict.ts';
import type { ResolvedConfig } from '../config/resolve.ts';
import type { EngineOutcome } from '../engine/scheduler.ts';
import type { Adaptive, Results, Sampling } from '../model/results.ts';

/** Why sampling ends, without the counts (added when it has ended); report/ words it. */
type StopReason = Omit<Sampling, 'rounds' | 'widestHalfWidth'>;

/**
 * The confidence level sampling judges --precision at. Stopping when an interval happens to be narrow picks samples
 * whose spread happens to be low, so the 95% interval reported after such a stop would cover less than 95%: judged
 * at 99%, the 95% intervals cover 94-96.5% in every cell of `npm run experiment -- ci-coverage`.
 */
export const PRECISION_LEVEL = 0.99;

/** The ratios sampling narrows and the widest of their intervals at PRECISION_LEVEL (half-width share of the ratio). */
export interface PrecisionTarget {
  /** speedup: baseline / mode; margin: next fastest durable mode / the fastest (runs without a baseline). */
  what: 'speedup' | 'margin';
  widest: number;
}

/** What sampling narrows in this run, or null when it has no ratio at all (one mode, nothing to compare). */
export function precisionTarget(results: Results): PrecisionTarget | null {
  const speedups = widestHalfWidth(results, PRECISION_LEVEL);
  if (speedups !== null) return { what: 'speedup', widest: speedups };
  const margins = widestMarginHalfWidth(results, PRECISION_LEVEL);
  return margins === null ? null : { what: 'margin', widest: margins };
}

/** A reason to stop, judged at PRECISION_LEVEL; the budget's figures only when the budget stopped it. */
function stopAs(
  stoppedBy: StopReason['stoppedBy'],
  target: PrecisionTarget | null,
  budget: { spent: number; perRound: number } | null = null,
): StopReason {
  return {
    stoppedBy,
    target: target?.what ?? null,
    judgedAtLevel: PRECISION_LEVEL,
    spentSeconds: budget?.spent ?? null,
    roundSeconds: budget?.perRound ?? null,
  };
}

/** After `done` measured rounds: the reason to stop sampling now, or null to go on (pure). */
export function stopReason(
  a: Adaptive,
  done: number,
  target: PrecisionTarget | null,
  spent: number,
  perRound: number,
): StopReason | null {
  if (done < a.minRuns) return null;
  if (target === null) return stopAs('min-runs', null);
  if (target.widest <= a.precision) return stopAs('precision', target);
  if (a.budgetSeconds === null || spent + perRound <= a.budgetSeconds) return null;
  return stopAs('budget', target, { spent, perRound });
}

/** One mode of a case as the allocation sees it: its measured runs and its speedup's half-width at PRECISION_LEVEL. */
export interface ModeProgress {
  mode: string;
  runs: number;
  /** Half-width share of its speedup's interval at PRECISION_LEVEL, or null (no interval yet; the baseline). */
  share: number | null;
}

/**
 * The modes of one case the next round runs when sampling to a precision with a baseline: a mode runs until it has
 * --min-runs and its speedup is known to --precision, so rounds spend the budget on the ratios not yet known (the
 * headline's among them); the baseline runs while any other mode does, or until it has --min-runs (pure).
 */
export function modesToSample(a: Adaptive, baseline: string, modes: readonly ModeProgress[]): Set<string> {
  const open = (m: ModeProgress) => m.runs < a.minRuns || m.share === null || m.share > a.precision;
  const active = new Set(modes.filter((m) => m.mode !== baseline && open(m)).map((m) => m.mode));
  const base = modes.find((m) => m.mode === baseline);
  if (base && (active.size > 0 || base.runs < a.minRuns)) active.add(baseline);
  return active;
}

/** The modes of a case the allocation would run now, or null when every mode runs (fixed --runs, no baseline). */
export function caseModesToSample(config: ResolvedConfig, results: Results, caseId: string): Set<string> | null {
  const a = config.adaptive;
  const baseline = results.summary.baseline;
  const summary = results.summary.cases.find((c) => c.caseId === caseId);
  if (!a || baseline === null || !summary) return null;
  const base = realTimes(results, caseId, baseline);
  const progress = summary.modes.map((m) => {
    const times = realTimes(results, caseId, m.mode);
    const share = m.mode === baseline ? null : halfWidthShare(ratioInterval(base, times, PRECISION_LEVEL));
    return { mode: m.mode, runs: times.length, share };
  });
  return modesToSample(a, baseline, progress);
}

/** Why sampling ended when the plan ran out of rounds or was stopped (pure). */
function endReason(config: ResolvedConfig, complete: boolean, target: PrecisionTarget | null): StopReason {
  const a = config.adaptive;
  if (!complete) return stopAs('stopped', target);
  if (!a) return stopAs('runs', target);
  if (target !== null && target.widest <= a.precision) return stopAs('precision', target);
  return stopAs('max-runs', target);
}

/** Decides between rounds whether to sample on (adaptive runs), and says afterwards why sampling stopped. */
export function adaptiveSampler(
  config: ResolvedConfig,
  results: Results,
  clock: () => number = Date.now,
  benchStarted = clock(),
) {
  let started = clock();
  let stopped: StopReason | null = null;
  const measuredRounds = (walked: number) => Math.max(0, walked - config.warmup);
  /** Each round's modes per case, decided when the round's first cell comes up (so a round is one decision). */
  const roundModes = new Map<string, Set<string> | null>();
  return {
    /** True when a measured cell of an adaptive run is left out: its mode's speedup is already precise enough. */
    skips(cell: { caseId: string; mode: string; round: number; warmup: boolean }): boolean {
      if (cell.warmup || !config.adaptive) return false;
      const key = `${cell.round}|${cell.caseId}`;
      if (!roundModes.has(key)) roundModes.set(key, caseModesToSample(config, results, cell.caseId));
      const modes = roundModes.get(key);
      return modes !== null && modes !== undefined && !modes.has(cell.mode);
    },
    continueAfter(walked: number): boolean {
      const done = measuredRounds(walked);
      if (done === 0) started = clock(); // still warming up: rounds are timed from the first measured one
      if (!config.adaptive || done === 0) return true;
      const perRound = (clock() - started) / 1000 / done;
      const spent = (clock() - benchStarted) / 1000;
      stopped = stopReason(config.adaptive, done, precisionTarget(results), spent, perRound);
      return stopped === null;
    },
    ended(outcome: EngineOutcome): Sampling {
      const rounds = measuredRounds(outcome.rounds);
      const target = precisionTarget(results);
      const shown = target === null || !Number.isFinite(target.widest) ? null : target.widest;
      const complete = outcome.state === 'complete';
      const reason = complete && stopped ? stopped : endReason(config, complete, target);
      return { ...reason, rounds, widestHalfWidth: shown };
    },
  };
}
