// The verdict: the measured writeback-vs-writethrough speedup against the published 2019 figure, with the likely
// reasons when it differs, as facts (each reason's code says whether it is measured, predicted or assumed; report/
// words them).
import type { Verdict, VerdictReason } from '../model/findings.ts';
import { ASSUMED_2019_FLUSHES, REFERENCE_2019 } from '../model/reference.ts';
import { type ModeSummary, measuredRuns, probeFigure, type Ratio, type Results } from '../model/results.ts';
import { meterMedians, writethroughFlushes } from './meter.ts';
import { PREDICTION_TOLERANCE, penaltyPredictions } from './prediction.ts';
import { halfWidthShare, ratioInterval } from './stats.ts';

/** The threshold at which the effect counts as the same order as the published 14x. */
export const REPRODUCED_AT = 10;
/** Flushes slower than this (ms) are not called fast. */
const FAST_FLUSH_MS = 5;
/** Fewer flushes than this under writethrough are called few against a cloud image's. */
const FEW_FLUSHES = 2000;
/** A speedup interval wider than this share of the ratio is called wide. */
const WIDE = 0.25;

/** Wall times of one mode's successful measured runs in a case. */
export function realTimes(results: Pick<Results, 'samples'>, caseId: string, mode: string | null): number[] {
  return measuredRuns(results, caseId, mode).map((s) => s.real);
}

/** What a speedup says about the claim. */
export function outcomeOf(r: Ratio): Verdict['outcome'] {
  if (r.ciLow === null || r.ciHigh === null) return 'uncertain';
  if (r.ciLow <= 1 && r.ciHigh >= 1) return 'none';
  return r.ratio >= REPRODUCED_AT ? 'reproduced' : 'smaller';
}

/** The verdict of each case of a run (pure). */
export function verdicts(results: Results): Verdict[] {
  return results.summary.cases.map(({ caseId, modes }) => {
    const wt = modes.find((m) => m.mode === 'writethrough');
    const wb = modes.find((m) => m.mode === 'writeback');
    const r = ratioInterval(realTimes(results, caseId, 'writethrough'), realTimes(results, caseId, 'writeback'));
    if (!wt?.real || !wb?.real || !r) return { caseId, outcome: 'not-measured', speedup: null, reasons: [] };
    const outcome = outcomeOf(r);
    return { caseId, outcome, speedup: r, reasons: outcome === 'reproduced' ? [] : likelyReasons(results, caseId, r) };
  });
}

/** The figures the reasons are made of, for one case. */
function caseFacts(results: Results, caseId: string) {
  const c = results.cases.find((x) => x.id === caseId);
  const probe =
    results.flushProbe.find((p) => p.targetDir === c?.targetDir) ?? results.flushProbe.find((p) => p.caseId === caseId);
  const modes = results.summary.cases.find((x) => x.caseId === caseId)?.modes ?? [];
  const emulated = results.config.emulateFlushLatencyMs;
  const figure = probeFigure(probe);
  const native = figure?.medianMs ?? null;
  return {
    fsType: c?.storage.fsType ?? null,
    figure,
    flushes: writethroughFlushes(results, caseId),
    wt: modes.find((m) => m.mode === 'writethrough'),
    wb: modes.find((m) => m.mode === 'writeback'),
    emulated,
    native,
    perFlush: native === null && emulated === null ? null : (native ?? 0) + (emulated ?? 0),
    prediction: penaltyPredictions(results).find((p) => p.caseId === caseId),
  };
}
type CaseFacts = ReturnType<typeof caseFacts>;

/** The flush-latency reasons: the probe's latency, the penalty it predicts, the measured one, and their agreement. */
function flushLatencyReasons(f: CaseFacts): VerdictReason[] {
  if (f.perFlush === null || f.perFlush >= FAST_FLUSH_MS) return [];
  const reasons: VerdictReason[] = [
    {
      code: 'fast-flushes',
      perFlushMs: f.perFlush,
      nativeMs: f.native,
      emulatedMs: f.emulated,
      probeBytes: f.figure?.bytes ?? null,
    },
  ];
  const p = f.prediction;
  if (p?.predictedSeconds != null && p.flushes !== null) {
    reasons.push({ code: 'probe-predicts', flushes: p.flushes, predictedSeconds: p.predictedSeconds });
  }
  if (p?.measuredSeconds != null && p.measuredPerFlushMs !== null) {
    reasons.push({ code: 'measured-penalty', measuredSeconds: p.measuredSeconds, perFlushMs: p.measuredPerFlushMs });
    if (p.explained === false && p.predictedSeconds !== null) {
      const { predictedSeconds, measuredSeconds } = p;
      reasons.push({ code: 'probe-disagrees', predictedSeconds, measuredSeconds, tolerance: PREDICTION_TOLERANCE });
    }
  }
  return reasons;
}

/** The flush latency this host would need for the 2019 ratio with this image, when more than it has. */
function latencyNeeded(f: CaseFacts): VerdictReason[] {
  if (f.flushes === null || !f.wt?.real || !f.wb?.real || f.flushes <= 0) return [];
  const ratio = REFERENCE_2019.ratio;
  const needed = (f.perFlush ?? 0) + ((ratio * f.wb.real.median - f.wt.real.median) / f.flushes) * 1000;
  return needed > (f.perFlush ?? 0) ? [{ code: 'latency-needed', ratio, perFlushMs: needed }] : [];
}

/** Reasons the effect may be smaller than 14x, each from a recorded fact. */
export function likelyReasons(results: Results, caseId: string, speedup: Ratio): VerdictReason[] {
  const f = caseFacts(results, caseId);
  const reasons: VerdictReason[] = [];
  if (f.fsType === 'tmpfs' || f.fsType === 'ramfs') reasons.push({ code: 'flush-is-noop', fsType: f.fsType });
  reasons.push(...flushLatencyReasons(f), ...latencyNeeded(f), ...cpuBound(results, caseId, f.wb));
  if (!f.figure && f.emulated === null) reasons.push({ code: 'probe-skipped' });
  if (results.samples.some((s) => s.caseId === caseId && s.cacheDrop === 'none'))
    reasons.push({ code: 'cache-not-dropped' });
  if (f.flushes !== null && f.flushes < FEW_FLUSHES)
    reasons.push({ code: 'few-flushes', flushes: f.flushes, assumed: ASSUMED_2019_FLUSHES });
  const halfWidth = halfWidthShare(speedup) ?? 0;
  if (halfWidth > WIDE) reasons.push({ code: 'wide-interval', halfWidth });
  return reasons;
}

/** CPU time (user + sys) at least this share of wall time, and flushes in flight under FLUSH_SHARE of it: CPU-bound. */
export const CPU_SHARE = 0.8;
/** A mode with flushes in flight longer than this share of its wall time is not called CPU-bound. */
export const FLUSH_SHARE = 0.05;

/**
 * Measured: writeback spends most of its wall time on CPU (user + sys >= CPU_SHARE of wall) and, where the flush
 * meter counted, under FLUSH_SHARE of it with a flush in flight.
 */
function cpuBound(results: Results, caseId: string, wb: ModeSummary | undefined): VerdictReason[] {
  if (!wb?.real || !wb.user || !wb.sys || wb.user.median + wb.sys.median < CPU_SHARE * wb.real.median) return [];
  const flushShare = meterMedians(results, caseId, 'writeback')?.inFlightShare ?? null;
  if (flushShare !== null && flushShare >= FLUSH_SHARE) return [];
  const share = Number.parseFloat(results.image.compressedClusters ?? '0');
  return [
    {
      code: 'cpu-bound',
      userSeconds: wb.user.median,
      sysSeconds: wb.sys.median,
      realSeconds: wb.real.median,
      compressedClusters: share > 0 ? results.image.compressedClusters : null,
      flushShare,
    },
  ];
}
