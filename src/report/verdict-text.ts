// Words for the verdict: the measured speedup against the 2019 figure, and the likely reasons as phrases labelled
// measured, predicted or assumed (pure; the facts come from analyze/verdict.ts through results.json).
import type { Verdict, VerdictReason } from '../model/findings.ts';
import {
  ASSUMED_2019_FLUSHES,
  ASSUMED_2019_FLUSHES_BASIS,
  IMPLIED_2019_FLUSH_MS,
  REFERENCE_2019,
} from '../model/reference.ts';
import type { Results } from '../model/results.ts';
import { fasterOrSlower, intervalText, kibText, secs, sizeWords, times } from '../model/units.ts';

const REF = REFERENCE_2019;
const PENALTY_2019_SECONDS = (REF.writethroughSeconds - REF.writebackSeconds).toFixed(0);
const ASSUMED_FLUSHES_TEXT = ASSUMED_2019_FLUSHES.toLocaleString('en-US');
const REFERENCE_TEXT =
  `The ${REF.year} Nova measurement (bug ${REF.bug}; qemu-img ${REF.qemuImg}, ${REF.storage}) found ` +
  `${REF.ratio.toFixed(1)}x (${REF.writethroughSeconds} s vs ${REF.writebackSeconds} s).`;

const JUDGED: Record<Verdict['outcome'], string> = {
  reproduced: 'The claim reproduces here.',
  uncertain: 'Without an interval no conclusion can be drawn.',
  smaller: 'The ~14x claim does not reproduce on this host.',
  none: 'The ~14x claim does not reproduce on this host.',
  'not-measured': '',
};

/** The verdict of one case as a paragraph. */
export function verdictText(results: Results, v: Verdict): string {
  if (v.outcome === 'not-measured' || !v.speedup) {
    return (
      'writethrough and writeback were not both measured in this run, so the 2019 claim cannot be checked. ' +
      REFERENCE_TEXT
    );
  }
  const reasons = reasonPhrases(v.reasons);
  const why = reasons.length ? ` Likely reasons: ${reasons.join('; ')}.` : '';
  return `${headline(results, v)} ${REFERENCE_TEXT} ${JUDGED[v.outcome]}${why}`;
}

/** The verdict's first sentence: the measured speedup with its interval and method. */
function headline(results: Results, v: Verdict): string {
  const r = v.speedup as NonNullable<Verdict['speedup']>;
  const modes = results.summary.cases.find((c) => c.caseId === v.caseId)?.modes ?? [];
  const median = (mode: string) => modes.find((m) => m.mode === mode)?.real?.median.toFixed(2);
  const emulated = results.config.emulateFlushLatencyMs;
  const label = emulated !== null ? ` with an EMULATED flush latency of ${emulated} ms` : '';
  const format = results.cases.find((c) => c.id === v.caseId)?.outputFormat ?? 'raw';
  const what = `the ${sizeWords(results.image.virtualSize)} ${results.image.format} image to ${format}`;
  const interval = r.ciLow === null ? r.method.replace(/^.*; /, '') : `95% interval ${intervalText(r)}`;
  const medians = `medians ${median('writethrough')} s vs ${median('writeback')} s`;
  const detail = `(${interval}, ratio of geometric means; ${medians})`;
  const measured = `Measured on this host${label}: writeback converted ${what}`;
  if (v.outcome === 'none') {
    return `${measured} no measurably faster than writethrough: ${times(r.ratio)} ${detail}; the interval includes 1.`;
  }
  return `${measured} ${fasterOrSlower(r)} than writethrough ${detail}.`;
}

/** The reasons as phrases; the flush-latency facts (probe, prediction, measured penalty) read as one phrase. */
export function reasonPhrases(reasons: readonly VerdictReason[]): string[] {
  const phrases: string[] = [];
  const latency = reasons.filter((r) => LATENCY_CODES.has(r.code));
  for (const r of reasons) {
    if (r.code === 'fast-flushes') phrases.push(latencyPhrase(latency));
    else if (!LATENCY_CODES.has(r.code)) phrases.push(reasonPhrase(r));
  }
  return phrases;
}

const LATENCY_CODES = new Set(['fast-flushes', 'probe-predicts', 'measured-penalty', 'probe-disagrees']);

function latencyPhrase(reasons: readonly VerdictReason[]): string {
  const parts: string[] = [];
  for (const r of reasons) {
    if (r.code === 'fast-flushes') {
      const size = r.probeBytes !== null ? `${kibText(r.probeBytes)} ` : '';
      parts.push(
        r.emulatedMs !== null
          ? `each flush took about ${r.perFlushMs.toFixed(2)} ms (${r.emulatedMs} ms emulated + ` +
              `${(r.nativeMs ?? 0).toFixed(2)} ms native, measured by the probe)`
          : `this storage completes a flush in ${r.perFlushMs.toFixed(2)} ms (measured: median fdatasync after ` +
              `each ${size}write of the probe)`,
      );
    } else if (r.code === 'probe-predicts') {
      const predicted = `so ${r.flushes} flushes would add about ${r.predictedSeconds.toFixed(1)} s to writethrough`;
      parts.push(`${predicted} (a prediction: flushes x probe latency)`);
    } else if (r.code === 'measured-penalty') {
      const measured = `the measured extra is ${secs(r.measuredSeconds)} (writethrough - writeback medians)`;
      parts.push(`${measured}, ${r.perFlushMs.toFixed(2)} ms per flush`);
    } else if (r.code === 'probe-disagrees') {
      const off = `${(r.tolerance * 100).toFixed(0)}%`;
      parts.push(`so the probe's prediction is off by more than ${off} and does not explain the penalty`);
    }
  }
  const implied =
    `the 2019 figures imply about ${IMPLIED_2019_FLUSH_MS.toFixed(1)} ms per flush ` +
    `(${PENALTY_2019_SECONDS} s of extra time over ${ASSUMED_FLUSHES_TEXT} flushes, ${ASSUMED_2019_FLUSHES_BASIS})`;
  return `${parts.join(', ')}; ${implied}`;
}

function reasonPhrase(r: VerdictReason): string {
  switch (r.code) {
    case 'flush-is-noop':
      return `the target is ${r.fsType}, where a flush does nothing`;
    case 'latency-needed':
      return (
        `reaching ${r.ratio.toFixed(0)}x with this image would take about ${r.perFlushMs.toFixed(1)} ms per flush ` +
        'on this host (a prediction from the measured medians and flush count)'
      );
    case 'cpu-bound': {
      const cause = r.compressedClusters ? `, with ${r.compressedClusters} of the image's clusters compressed` : '';
      const cpu =
        `user ${r.userSeconds.toFixed(2)} s + sys ${r.sysSeconds.toFixed(2)} s of ` +
        `${r.realSeconds.toFixed(2)} s wall`;
      return `writeback is CPU-bound here (measured: ${cpu}${cause}), which no cache mode changes`;
    }
    case 'probe-skipped':
      return 'the flush latency of the target was not measured (probe skipped)';
    case 'cache-not-dropped':
      return 'the page cache was not dropped before runs, so reads may have come from memory';
    case 'few-flushes':
      return (
        `the image made only ${r.flushes} flushes under writethrough (measured); a cloud image is assumed to make ` +
        `about ${r.assumed.toLocaleString('en-US')}`
      );
    case 'wide-interval':
      return 'the runs vary widely (wide interval); more runs would sharpen the figure';
    default:
      return r.code;
  }
}
