// The verdict: the measured writeback-vs-writethrough speedup against the published 2019 figure, with the likely
// reasons when it differs. Every figure says whether it was measured, predicted or assumed.
import {
  ASSUMED_2019_FLUSHES,
  ASSUMED_2019_FLUSHES_BASIS,
  IMPLIED_2019_FLUSH_MS,
  REFERENCE_2019,
} from '../model/reference.ts';
import { flushesOf, type ModeSummary, probeFigure, type Ratio, type Results } from '../model/results.ts';
import { ratioInterval as intervalText, kibText, secs, sizeWords, times } from '../model/units.ts';
import { penaltyPredictions } from './prediction.ts';
import { halfWidthShare, ratioInterval } from './stats.ts';

/** What the run says about the 2019 claim, for one case. */
export interface Verdict {
  caseId: string;
  /**
   * 'reproduced' (>= 10x, interval above 1), 'smaller' (clearly faster, < 10x), 'none' (interval includes 1),
   * 'uncertain' (no interval: fewer than 2 runs of a mode), 'not-measured'.
   */
  outcome: 'reproduced' | 'smaller' | 'none' | 'uncertain' | 'not-measured';
  /** writeback speedup over writethrough (ratio of geometric means with its interval), or null. */
  speedup: Ratio | null;
  /** One paragraph for the report's top. */
  text: string;
  /** Likely reasons when the figure differs from 14x, from the recorded facts. */
  reasons: string[];
}

/** The threshold at which the effect counts as the same order as the published 14x. */
export const REPRODUCED_AT = 10;

const REF = REFERENCE_2019;
const PENALTY_2019_SECONDS = (REF.writethroughSeconds - REF.writebackSeconds).toFixed(0);
const ASSUMED_FLUSHES_TEXT = ASSUMED_2019_FLUSHES.toLocaleString('en-US');
const REFERENCE_TEXT =
  `The ${REF.year} Nova measurement (bug ${REF.bug}; qemu-img ${REF.qemuImg}, ${REF.storage}) found ` +
  `${REF.ratio.toFixed(1)}x (${REF.writethroughSeconds} s vs ${REF.writebackSeconds} s).`;

/** Wall times of one mode's successful measured runs in a case. */
function realTimes(results: Results, caseId: string, mode: string): number[] {
  return results.samples.filter((s) => s.caseId === caseId && s.mode === mode && s.ok && !s.warmup).map((s) => s.real);
}

function outcomeOf(r: Ratio): Verdict['outcome'] {
  if (r.ciLow === null || r.ciHigh === null) return 'uncertain';
  if (r.ciLow <= 1 && r.ciHigh >= 1) return 'none';
  return r.ratio >= REPRODUCED_AT ? 'reproduced' : 'smaller';
}

/** The verdict's first sentence: the measured speedup with its interval and method. */
function headline(results: Results, caseId: string, r: Ratio, wt: ModeSummary, wb: ModeSummary): string {
  const emulated = results.config.emulateFlushLatencyMs;
  const label = emulated !== null ? ` with an EMULATED flush latency of ${emulated} ms` : '';
  const what =
    `the ${sizeWords(results.image.virtualSize)} ${results.image.format} image to ` +
    `${caseOutputFormat(results, caseId)}`;
  const interval = r.ciLow === null ? 'no interval: fewer than 2 runs of a mode' : `95% interval ${intervalText(r)}`;
  const medians = `medians ${wt.real?.median.toFixed(2)} s vs ${wb.real?.median.toFixed(2)} s`;
  const detail = `(${interval}, ratio of geometric means; ${medians})`;
  const measured = `Measured on this host${label}: writeback converted ${what}`;
  if (outcomeOf(r) === 'none') {
    return `${measured} no measurably faster than writethrough: ${times(r.ratio)} ${detail}; the interval includes 1.`;
  }
  return `${measured} ${times(r.ratio)} faster than writethrough ${detail}.`;
}

/** Builds the verdict of each case from the saved results (pure). */
export function verdicts(results: Results): Verdict[] {
  return results.summary.cases.map(({ caseId, modes }) => {
    const wt = modes.find((m) => m.mode === 'writethrough');
    const wb = modes.find((m) => m.mode === 'writeback');
    const r = ratioInterval(realTimes(results, caseId, 'writethrough'), realTimes(results, caseId, 'writeback'));
    if (!wt?.real || !wb?.real || !r) {
      const text =
        `writethrough and writeback were not both measured in this run, so the 2019 claim cannot be ` +
        `checked. ${REFERENCE_TEXT}`;
      return { caseId, outcome: 'not-measured', speedup: null, reasons: [], text };
    }
    const outcome = outcomeOf(r);
    const judged =
      outcome === 'reproduced'
        ? 'The claim reproduces here.'
        : outcome === 'uncertain'
          ? 'With a single run of a mode no conclusion can be drawn.'
          : 'The ~14x claim does not reproduce on this host.';
    const reasons = outcome === 'reproduced' ? [] : likelyReasons(results, caseId, r);
    const why = reasons.length ? ` Likely reasons: ${reasons.join('; ')}.` : '';
    return {
      caseId,
      outcome,
      speedup: r,
      reasons,
      text: `${headline(results, caseId, r, wt, wb)} ${REFERENCE_TEXT} ${judged}${why}`,
    };
  });
}

function caseOutputFormat(results: Results, caseId: string): string {
  return results.cases.find((c) => c.id === caseId)?.outputFormat ?? 'raw';
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
    probe,
    figure,
    flushes: flushesOf(results.flushAudit.find((a) => a.caseId === caseId && a.mode === 'writethrough' && a.ok)),
    wt: modes.find((m) => m.mode === 'writethrough'),
    wb: modes.find((m) => m.mode === 'writeback'),
    emulated,
    native,
    perFlush: native === null && emulated === null ? null : (native ?? 0) + (emulated ?? 0),
    prediction: penaltyPredictions(results).find((p) => p.caseId === caseId),
  };
}

/** The flush-latency reason: the probe's latency, the penalty it predicts, the measured one, and 2019's assumed one. */
function flushLatencyReason(f: ReturnType<typeof caseFacts>): string | null {
  if (f.perFlush === null || f.perFlush >= 5) return null;
  const size = f.figure ? `${kibText(f.figure.bytes)} ` : '';
  const probeText = `median fdatasync after each ${size}write of the probe`;
  const what =
    f.emulated !== null
      ? `each flush took about ${f.perFlush.toFixed(2)} ms (${f.emulated} ms emulated + ` +
        `${(f.native ?? 0).toFixed(2)} ms native, measured by the probe)`
      : `this storage completes a flush in ${f.perFlush.toFixed(2)} ms (measured: ${probeText})`;
  const parts = [what];
  const p = f.prediction;
  if (p?.predictedSeconds != null) {
    const predicted = `so ${p.flushes} flushes would add about ${p.predictedSeconds.toFixed(1)} s to writethrough`;
    parts.push(`${predicted} (a prediction: flushes x probe latency)`);
  }
  if (p?.measuredSeconds != null && p.measuredPerFlushMs !== null) {
    const measured = `the measured extra is ${secs(p.measuredSeconds)} (writethrough - writeback medians)`;
    parts.push(`${measured}, ${p.measuredPerFlushMs.toFixed(2)} ms per flush`);
    if (p.explained === false)
      parts.push("so the probe's prediction is off by more than 30% and does not explain the penalty");
  }
  const implied =
    `the 2019 figures imply about ${IMPLIED_2019_FLUSH_MS.toFixed(1)} ms per flush ` +
    `(${PENALTY_2019_SECONDS} s of extra time over ${ASSUMED_FLUSHES_TEXT} flushes, ${ASSUMED_2019_FLUSHES_BASIS})`;
  return `${parts.join(', ')}; ${implied}`;
}

/**
 * Reasons the effect may be smaller than 14x, each from a recorded fact and labelled measured, predicted or assumed.
 */
export function likelyReasons(results: Results, caseId: string, speedup: Ratio): string[] {
  const f = caseFacts(results, caseId);
  const reasons: string[] = [];
  if (f.fsType === 'tmpfs' || f.fsType === 'ramfs')
    reasons.push(`the target is ${f.fsType}, where a flush does nothing`);
  const latency = flushLatencyReason(f);
  if (latency) reasons.push(latency);
  if (f.flushes !== null && f.wt?.real && f.wb?.real && f.flushes > 0) {
    const needed = (f.perFlush ?? 0) + ((REF.ratio * f.wb.real.median - f.wt.real.median) / f.flushes) * 1000;
    const basis = 'a prediction from the measured medians and flush count';
    if (needed > (f.perFlush ?? 0))
      reasons.push(
        `reaching ${REF.ratio.toFixed(0)}x with this image would take about ${needed.toFixed(1)} ms per flush on ` +
          `this host (${basis})`,
      );
  }
  const cpu = cpuBoundReason(results, f.wb);
  if (cpu) reasons.push(cpu);
  if (!f.figure && f.emulated === null)
    reasons.push('the flush latency of the target was not measured (probe skipped)');
  if (results.samples.some((s) => s.caseId === caseId && s.cacheDrop === 'none')) {
    reasons.push('the page cache was not dropped before runs, so reads may have come from memory');
  }
  if (f.flushes !== null && f.flushes < 2000) {
    reasons.push(
      `the image made only ${f.flushes} flushes under writethrough (measured); a cloud image is assumed to make ` +
        `about ${ASSUMED_FLUSHES_TEXT}`,
    );
  }
  if ((halfWidthShare(speedup) ?? 0) > 0.25)
    reasons.push('the runs vary widely (wide interval); more runs would sharpen the figure');
  return reasons;
}

/** Measured: writeback spends most of its wall time on CPU; decompression is named only for a compressed image. */
function cpuBoundReason(results: Results, wb: ModeSummary | undefined): string | null {
  if (!wb?.real || !wb.user || !wb.sys || wb.user.median + wb.sys.median < 0.8 * wb.real.median) return null;
  const share = Number.parseFloat(results.image.compressedClusters ?? '0');
  const cause = share > 0 ? `, with ${results.image.compressedClusters} of the image's clusters compressed` : '';
  const cpu =
    `user ${wb.user.median.toFixed(2)} s + sys ${wb.sys.median.toFixed(2)} s of ` +
    `${wb.real.median.toFixed(2)} s wall`;
  return `writeback is CPU-bound here (measured: ${cpu}${cause}), which no cache mode changes`;
}
