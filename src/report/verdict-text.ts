// Words for the verdict: the measured speedup against the 2019 figure, and the likely reasons as phrases labelled
// measured, predicted or assumed (pure; the facts come from analyze/verdict.ts through results.json).

import { DURABLE_MODES } from '../analyze/durability.ts';
import { meterMedians } from '../analyze/meter.ts';
import { geometricMean } from '../analyze/stats.ts';
import { CPU_SHARE, FLUSH_SHARE, realTimes } from '../analyze/verdict.ts';
import type { Recommendation, Verdict, VerdictReason } from '../model/findings.ts';
import {
  ASSUMED_2019_FLUSHES,
  ASSUMED_2019_FLUSHES_BASIS,
  IMPLIED_2019_FLUSH_MS,
  REFERENCE_2019,
} from '../model/reference.ts';
import type { Results } from '../model/results.ts';
import { fasterOrSlower, intervalText, kibText, mib, percentFlag, secs, sizeWords, times } from '../model/units.ts';
import { projectMarginText, projectNames } from './choice-text.ts';
import { powerCutBullet } from './durability-text.ts';
import { whereText } from './storage-text.ts';

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

/** A verdict in three layers: one headline, at most five short bullets, and the detail. */
export interface VerdictLayers {
  /** The measured ratio with its interval, and whether the ~14x reproduces here. */
  headline: string;
  /** Why (measured figures first, predictions and assumptions labelled), what to choose here, durability. */
  bullets: string[];
  /** The 2019 reference and every reason in full. */
  details: string[];
}

/** Most bullets under a verdict's headline. */
export const MAX_VERDICT_BULLETS = 5;

const CLAIM: Record<Verdict['outcome'], string> = {
  reproduced: `the 2019 ~${REF.ratio.toFixed(0)}x reproduces here`,
  uncertain: `no interval yet, so whether the 2019 ~${REF.ratio.toFixed(0)}x reproduces is open`,
  smaller: `the 2019 ~${REF.ratio.toFixed(0)}x does not reproduce here`,
  none: `the 2019 ~${REF.ratio.toFixed(0)}x does not reproduce here`,
  'not-measured': '',
};

/** The verdict of one case in three layers (headline, bullets, details). */
export function verdictLayers(results: Results, v: Verdict): VerdictLayers {
  if (results.projectRuns.length) return projectLayers(results);
  const recommendation = results.recommendations.find((r) => r.caseId === v.caseId) ?? null;
  if (v.outcome === 'not-measured' || !v.speedup) {
    const headline = 'writethrough and writeback were not both measured: the 2019 claim cannot be checked here.';
    return { headline, bullets: choiceBullets(results, v.caseId, recommendation), details: [REFERENCE_TEXT] };
  }
  const r = v.speedup;
  const emulated = results.config.emulateFlushLatencyMs;
  const label = emulated !== null ? `, with an EMULATED flush latency of ${emulated} ms` : '';
  const interval = r.ciLow === null ? 'no interval' : `95% interval ${intervalText(r)}`;
  const where = `here (${whereText(results, v.caseId)})`;
  const headline =
    v.outcome === 'none'
      ? `writeback is not measurably faster than writethrough (${times(r.ratio)}, ${interval})${label} ${where}; ` +
        `${CLAIM[v.outcome]}.`
      : `writeback converts ${fasterOrSlower(r)} than writethrough (${interval})${label} ${where}; ` +
        `${CLAIM[v.outcome]}.`;
  const meter = meterMedians(results, v.caseId, 'writethrough');
  const bullets = [...whyBullets(v.reasons, meter), ...choiceBullets(results, v.caseId, recommendation)];
  const reasons = reasonPhrases(v.reasons).map((phrase) => `${phrase[0]?.toUpperCase()}${phrase.slice(1)}.`);
  const details = [sentenceOne(results, v), `${REFERENCE_TEXT} ${JUDGED[v.outcome]}`, ...reasons];
  return { headline, bullets: bullets.slice(0, MAX_VERDICT_BULLETS), details };
}

/** --as-projects: the fastest durable project command, the others against it, and which are not durable. */
function projectLayers(results: Results): VerdictLayers {
  const runs = results.projectRuns;
  const best = runs.find((r) => r.durableAtReturn && r.durable !== null && !r.margin);
  const headline = best
    ? `Measured as the projects run it here (${whereText(results, best.caseId)}): ` +
      `${projectNames(best.projects)}'s command is the fastest durable one ` +
      `(${secs(best.durable)} to durable).`
    : `Measured as the projects run it here (${whereText(results, runs[0]?.caseId ?? '')}): no durable command ran successfully.`;
  const others = runs
    .filter((r) => r.durableAtReturn && r.margin)
    .sort((a, b) => (b.margin?.ratio ?? 0) - (a.margin?.ratio ?? 0))
    .map((r) => `${projectNames(r.projects)} takes ${projectMarginText(r)}.`);
  const undurable = runs.filter((r) => !r.durableAtReturn);
  const lost = undurable.length
    ? [
        `Not durable when qemu-img returns: ${undurable.map((r) => projectNames(r.projects)).join('; ')} ` +
          `(${undurable[0]?.mode}; ${mib(undurable[0]?.dirtyAfterKiB)} unflushed at exit).`,
      ]
    : [];
  const bullets = [...others.slice(0, MAX_VERDICT_BULLETS - lost.length), ...lost];
  return { headline, bullets, details: [...others, REFERENCE_TEXT] };
}

/** Writethrough's flush wait as the meter measured it in the timed runs. */
type Metered = NonNullable<ReturnType<typeof meterMedians>>;

/** The per-flush latency the 2019 figures imply, as a bullet says it. */
const IMPLIED_BRIEF =
  `the 2019 figures imply ~${IMPLIED_2019_FLUSH_MS.toFixed(1)} ms per flush ` +
  `(assumed ${ASSUMED_FLUSHES_TEXT} flushes)`;

function meteredWhy(m: Metered): string | null {
  if (m.calls === 0) return null;
  return (
    `Why: in the timed runs writethrough spent ${secs(m.wait)} of ${secs(m.real)} waiting for ` +
    `${m.calls.toLocaleString('en-US')} flushes (median ${m.medianMs.toFixed(2)} ms, p99 ${m.p99Ms.toFixed(2)} ms; ` +
    `measured); ${IMPLIED_BRIEF}.`
  );
}

/** The reasons as at most three short bullets: measured first, then what is predicted or assumed. */
function whyBullets(reasons: readonly VerdictReason[], meter: Metered | null): string[] {
  const bullets: string[] = [];
  const find = <C extends VerdictReason['code']>(code: C) =>
    reasons.find((r): r is Extract<VerdictReason, { code: C }> => r.code === code);
  const noop = find('flush-is-noop');
  const fast = find('fast-flushes');
  const penalty = find('measured-penalty');
  const metered = meter ? meteredWhy(meter) : null;
  if (noop) bullets.push(`Why: the target is ${noop.fsType}, where a flush does nothing (measured).`);
  else if (metered) bullets.push(metered);
  else if (fast || penalty) {
    const emulated = fast?.emulatedMs != null ? `, ${fast.emulatedMs} ms of it emulated` : '';
    const probe = fast ? `a flush here takes ${fast.perFlushMs.toFixed(2)} ms (measured by the probe${emulated})` : '';
    const paid = penalty
      ? `writethrough's extra ${secs(penalty.measuredSeconds)} is ${penalty.perFlushMs.toFixed(2)} ms per flush ` +
        '(measured)'
      : '';
    bullets.push(`Why: ${[probe, paid].filter(Boolean).join('; ')}; ${IMPLIED_BRIEF}.`);
  }
  const cpu = find('cpu-bound');
  if (cpu) {
    bullets.push(`writeback is CPU-bound: ${cpuBoundFigures(cpu)}; no cache mode changes that.`);
  }
  const needed = find('latency-needed');
  if (needed) {
    bullets.push(
      `Prediction: ${needed.ratio.toFixed(0)}x with this image would need ~${needed.perFlushMs.toFixed(1)} ms per ` +
        'flush (from the measured medians and flush count).',
    );
  }
  return bullets.slice(0, 3);
}

/** What to choose here and what is durable, as at most two bullets. */
function choiceBullets(results: Results, caseId: string, r: Recommendation | null): string[] {
  const bullets: string[] = [];
  if (r?.fastest && r.fastestDurable !== null) {
    const next = r.runnerUp
      ? `; ${r.runnerUp.mode} takes ${r.runnerUp.ratio.toFixed(2)}x` +
        (r.runnerUp.ciLow === null ? ' (no interval)' : ` (${intervalText(r.runnerUp)})`) +
        (r.clear ? ', clearly slower' : ', not clearly different')
      : '';
    bullets.push(
      `Choose here: ${r.fastest}, the fastest durable mode (${r.fastestDurable.toFixed(2)} s to durable)${next}.`,
    );
  }
  const measured = powerCutBullet(results, caseId);
  if (measured) return [...bullets, measured];
  const modes = results.summary.cases.find((c) => c.caseId === caseId)?.modes ?? [];
  const undurable = modes.filter((m) => m.state === 'measured' && !DURABLE_MODES.includes(m.mode));
  const durable = modes.filter((m) => m.state === 'measured' && DURABLE_MODES.includes(m.mode)).map((m) => m.mode);
  for (const m of undurable.slice(0, 1)) {
    bullets.push(
      `Durability: ${m.mode} exits in ${secs(m.real?.median)} but leaves ${mib(m.dirtyAfterKiB?.median)} unflushed ` +
        `(not durable when qemu-img returns); ${durable.join(', ') || 'the other modes'} flush before returning.`,
    );
  }
  return bullets;
}

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
  return `${sentenceOne(results, v)} ${REFERENCE_TEXT} ${JUDGED[v.outcome]}${why}`;
}

/** The verdict's first sentence: the measured speedup with its interval and method. */
function sentenceOne(results: Results, v: Verdict): string {
  const r = v.speedup as NonNullable<Verdict['speedup']>;
  const mean = (mode: string) => geometricMean(realTimes(results, v.caseId, mode)).toFixed(2);
  const emulated = results.config.emulateFlushLatencyMs;
  const label = emulated !== null ? ` with an EMULATED flush latency of ${emulated} ms` : '';
  const format = results.cases.find((c) => c.id === v.caseId)?.outputFormat ?? 'raw';
  const what = `the ${sizeWords(results.image.virtualSize)} ${results.image.format} image to ${format}`;
  const interval = r.ciLow === null ? r.method.replace(/^.*; /, '') : `95% interval ${intervalText(r)}`;
  const means = `${mean('writethrough')} s vs ${mean('writeback')} s`;
  const detail = `(${interval}; ratio of the geometric means ${means})`;
  const measured = `Measured on this host${label}: writeback converted ${what}`;
  if (v.outcome === 'none') {
    return `${measured} not measurably faster than writethrough: ${times(r.ratio)} ${detail}; the interval includes 1.`;
  }
  return `${measured} ${fasterOrSlower(r)} than writethrough ${detail}.`;
}

/** The measured figures behind "CPU-bound" and the rule they met (analyze/verdict.ts CPU_SHARE, FLUSH_SHARE). */
function cpuBoundFigures(r: Extract<VerdictReason, { code: 'cpu-bound' }>): string {
  const cpu = `user ${r.userSeconds.toFixed(2)} s + sys ${r.sysSeconds.toFixed(2)} s of ${r.realSeconds.toFixed(2)} s wall`;
  const flushes =
    r.flushShare === null || r.flushShare === undefined
      ? 'time in flushes not measured'
      : `a flush in flight ${(r.flushShare * 100).toFixed(1)}% of it`;
  const compressed = r.compressedClusters ? `; ${r.compressedClusters} of clusters compressed` : '';
  const rule = `called CPU-bound at >= ${percentFlag(CPU_SHARE)} CPU and < ${percentFlag(FLUSH_SHARE)} in flushes`;
  return `measured ${cpu}, ${flushes}${compressed}; ${rule}`;
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
    case 'cpu-bound':
      return `writeback is CPU-bound here (${cpuBoundFigures(r)}), which no cache mode changes`;
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
