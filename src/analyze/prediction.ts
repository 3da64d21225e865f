// The writethrough penalty predicted from the flush count and the probe's latency, beside the measured one (pure).
import { probeFigure, type Results } from '../model/results.ts';
import { writethroughFlushes } from './meter.ts';

/** How far apart prediction and measurement may be before the report says the probe did not explain the penalty. */
export const PREDICTION_TOLERANCE = 0.3;

/** One case's prediction of the writethrough penalty and what was measured. */
export interface PenaltyPrediction {
  caseId: string;
  /** Flushes writethrough made (audit), or null. */
  flushes: number | null;
  /** Bytes per write of the probe figure used (qemu-shaped when known, else 4 KiB), or null without a probe. */
  probeBytes: number | null;
  /** Latency per flush the prediction uses: the probe's median plus the emulated delay, ms; null without a probe. */
  latencyMs: number | null;
  /** flushes x latency, seconds: a prediction. */
  predictedSeconds: number | null;
  /** median writethrough - median writeback, seconds: measured. */
  measuredSeconds: number | null;
  /** predicted / measured, or null. */
  ratio: number | null;
  /** measured extra / flushes, ms: what each flush cost in the measured runs. */
  measuredPerFlushMs: number | null;
  /** True when the prediction is within PREDICTION_TOLERANCE of the measurement. */
  explained: boolean | null;
}

/** The prediction of every case of a run. */
export function penaltyPredictions(results: Results): PenaltyPrediction[] {
  return results.summary.cases.map(({ caseId, modes }) => {
    const target = results.cases.find((c) => c.id === caseId)?.targetDir;
    const figure = probeFigure(results.flushProbe.find((p) => p.targetDir === target));
    const flushes = writethroughFlushes(results, caseId);
    const latencyMs = figure ? figure.medianMs + (results.config.emulateFlushLatencyMs ?? 0) : null;
    const wt = modes.find((m) => m.mode === 'writethrough')?.real?.median;
    const wb = modes.find((m) => m.mode === 'writeback')?.real?.median;
    const predictedSeconds = flushes !== null && latencyMs !== null ? (flushes * latencyMs) / 1000 : null;
    const measuredSeconds = wt !== undefined && wb !== undefined ? wt - wb : null;
    const ratio =
      predictedSeconds !== null && measuredSeconds !== null && measuredSeconds > 0
        ? predictedSeconds / measuredSeconds
        : null;
    const measuredPerFlushMs = measuredSeconds !== null && flushes ? (measuredSeconds / flushes) * 1000 : null;
    const explained = ratio === null ? null : Math.abs(ratio - 1) <= PREDICTION_TOLERANCE;
    return {
      caseId,
      flushes,
      probeBytes: figure?.bytes ?? null,
      latencyMs,
      predictedSeconds,
      measuredSeconds,
      ratio,
      measuredPerFlushMs,
      explained,
    };
  });
}
