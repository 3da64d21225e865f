// "What to choose here": the fastest mode whose data is durable when the conversion returns, how clearly it wins, and
// what the documented choice of Nova, Cinder, vdsm, CDI and Proxmox would cost on this host and target (pure).

import type { ModeSummary, Results, Sample } from '../model/results.ts';
import { ALPHA } from './comparison.ts';
import { halfWidthShare, mannWhitneyExact, ratioInterval } from './stats.ts';

/** Fewest runs a side at which an exact two-sided Mann-Whitney p can fall below 0.05 (2/70 at 4 and 4). */
export const MIN_RUNS_FOR_CLEAR = 4;

/** Modes whose data is on stable storage when qemu-img returns (writeback through its final flush). */
export const DURABLE_MODES = ['writethrough', 'writeback', 'none', 'directsync'];

/** What one project's documented logic picks here, and what that costs against the fastest durable mode. */
export interface ProjectChoice {
  project: string;
  /** The rule as documented. */
  rule: string;
  /** The mode the rule picks on this host and target, or null when it picks a mode not measured here. */
  mode: string | null;
  /** Why the rule picks it here (the facts it depends on). */
  because: string;
  /** Median time to durable of the pick / that of the fastest durable mode (1 = the same), or null. */
  costRatio: number | null;
}

/** The recommendation of one case. */
export interface Recommendation {
  caseId: string;
  /** The fastest durable mode, or null when none was measured. */
  fastest: string | null;
  /** Its median time to durable, seconds. */
  fastestDurable: number | null;
  /** The next durable mode and how much slower it is (ratio of geometric means, interval), with the exact p. */
  runnerUp: { mode: string; ratio: number; ciLow: number | null; ciHigh: number | null; p: number | null } | null;
  /** True when the runner-up is slower with p < ALPHA. */
  clear: boolean;
  /** The projects' choices. */
  projects: ProjectChoice[];
}

function durableTimes(results: Results, caseId: string, mode: string): number[] {
  return results.samples
    .filter((s: Sample) => s.caseId === caseId && s.mode === mode && s.ok && !s.warmup)
    .map((s) => s.durable);
}

/** The documented rules (see the README's table for their sources), applied to what this run found. */
function projectChoices(
  results: Results,
  caseId: string,
  modes: ModeSummary[],
  fastest: number | null,
): ProjectChoice[] {
  const measured = (m: string) => modes.find((x) => x.mode === m && x.state === 'measured');
  const odirect = measured('none') !== undefined;
  const noneFailed = modes.some((x) => x.mode === 'none' && x.state === 'unsupported');
  const runCase = results.cases.find((c) => c.id === caseId);
  const storage = runCase?.storage;
  const blockTarget = runCase !== undefined && runCase.targetKind !== 'dir';
  const fsType = storage?.fsType ?? 'unknown';
  const zfs = fsType === 'zfs';
  const odirectText = odirect
    ? 'O_DIRECT works on this target (none was measured)'
    : noneFailed
      ? 'O_DIRECT fails on this target (none was refused)'
      : 'none was not measured, so O_DIRECT support is unknown';
  const cost = (mode: string | null) => {
    const median = mode ? measured(mode)?.durable?.median : undefined;
    return median !== undefined && fastest ? median / fastest : null;
  };
  const pick = (project: string, rule: string, mode: string | null, because: string): ProjectChoice => ({
    project,
    rule,
    mode,
    because,
    costRatio: cost(mode),
  });
  const defaultMode = 'unsafe';
  const defaultText =
    "qemu-img's default target cache (unsafe for convert: no flush, checked with strace on qemu-img 7.2; not durable)";
  return [
    pick(
      'OpenStack Nova',
      '-t none when O_DIRECT works on the target, else -t writeback',
      odirect ? 'none' : 'writeback',
      odirectText,
    ),
    pick(
      'OpenStack Cinder',
      "-t none for block-device targets that support O_DIRECT, else qemu-img's default",
      blockTarget && odirect ? 'none' : defaultMode,
      blockTarget
        ? `the target is a block device (${runCase?.device?.path ?? runCase?.targetDir}); ${odirectText}` +
            (odirect ? '' : `; otherwise ${defaultText}`)
        : `the target is a file system directory; otherwise ${defaultText}`,
    ),
    pick('oVirt/vdsm', 'always -t none -T none', 'none', 'the rule does not depend on the host'),
    pick(
      'KubeVirt CDI',
      '-t none (back from writeback + fsync after page-cache OOM kills)',
      'none',
      'the rule does not depend on the host',
    ),
    pick(
      'Proxmox VE',
      "-t none only onto ZFS, else qemu-img's default",
      zfs ? 'none' : defaultMode,
      `${blockTarget ? 'the target is a block device, not ZFS' : `the target file system is ${fsType}`}; ` +
        `otherwise ${defaultText}`,
    ),
  ];
}

/** The recommendation of every case of a run. */
export function recommendations(results: Results): Recommendation[] {
  return results.summary.cases.map(({ caseId, modes }) => {
    const durable = modes
      .filter((m) => DURABLE_MODES.includes(m.mode) && m.state === 'measured' && m.durable)
      .sort((a, b) => (a.durable?.median ?? 0) - (b.durable?.median ?? 0));
    const [first, second] = durable;
    const fastestDurable = first?.durable?.median ?? null;
    const candidate = (m: ModeSummary) => ({ caseId, mode: m.mode, median: m.durable?.median as number });
    const runnerUp = first && second ? marginOf(results, candidate(second), candidate(first)) : null;
    const clear = isClear(runnerUp);
    return {
      caseId,
      fastest: first?.mode ?? null,
      fastestDurable,
      runnerUp,
      clear,
      projects: projectChoices(results, caseId, modes, fastestDurable),
    };
  });
}

/** A durable mode of one case: an option set's candidate. */
interface Candidate {
  caseId: string;
  mode: string;
  median: number;
}

/** A candidate against the best: ratio of geometric means of times to durable, its 95% interval, the exact p. */
type Margin = Candidate & { ratio: number; ciLow: number | null; ciHigh: number | null; p: number | null };

/** Across the cases of a run (option sets, targets): the fastest durable mode of any, and how the others compare. */
export interface OptionSetChoice {
  best: Candidate;
  /** The next fastest durable (case, mode) against the best, or null when it has no interval. */
  next: Margin | null;
  clear: boolean;
  /** The fastest durable mode of every other case (option set) against the best, fastest first. */
  otherSets: Margin[];
  /** How many (case, mode) pairs were compared. */
  candidates: number;
}

/** `c` against `best`: the ratio of its times to durable with interval and exact p, or null without an interval. */
function marginOf(results: Results, c: Candidate, best: Candidate): Margin | null {
  const a = durableTimes(results, c.caseId, c.mode);
  const b = durableTimes(results, best.caseId, best.mode);
  const r = ratioInterval(a, b);
  return r ? { ...c, ratio: r.ratio, ciLow: r.ciLow, ciHigh: r.ciHigh, p: mannWhitneyExact(a, b)?.p ?? null } : null;
}

/** True when the margin is an increase with p < ALPHA. */
function isClear(m: Margin | null): boolean {
  return m !== null && m.p !== null && m.p < ALPHA && m.ratio > 1;
}

/** The fastest durable (case, mode) over every case, or null for a run of one case. */
export function optionSetChoice(results: Results): OptionSetChoice | null {
  if (results.summary.cases.length < 2) return null;
  const candidates: Candidate[] = results.summary.cases.flatMap(({ caseId, modes }) =>
    modes
      .filter((m) => DURABLE_MODES.includes(m.mode) && m.state === 'measured' && m.durable)
      .map((m) => ({ caseId, mode: m.mode, median: m.durable?.median as number })),
  );
  candidates.sort((a, b) => a.median - b.median);
  const [best, second] = candidates;
  if (!best) return null;
  const next = second ? marginOf(results, second, best) : null;
  const firstOfEachSet = candidates.filter((c, i) => candidates.findIndex((x) => x.caseId === c.caseId) === i);
  const otherSets = firstOfEachSet
    .filter((c) => c.caseId !== best.caseId)
    .flatMap((c) => marginOf(results, c, best) ?? []);
  return { best, next, clear: isClear(next), otherSets, candidates: candidates.length };
}

/** The option-set choice in sentences. */
export function optionSetText(c: OptionSetChoice): string {
  const head =
    `Across ${c.candidates} durable (option set, mode) pairs, the fastest is ${c.best.mode} with ${c.best.caseId} ` +
    `(median time to durable ${c.best.median.toFixed(2)} s)`;
  const next = c.next ? `; the next, ${c.next.mode} with ${c.next.caseId}, takes ${marginText(c.next, c.clear)}` : '';
  const sets = c.otherSets.map((m) => `${m.caseId} (${m.mode}) takes ${marginText(m, isClear(m))}`);
  return `${head}${next}.${sets.length ? ` The best of each other option set: ${sets.join('; ')}.` : ''}`;
}

/** "1.27x its time to durable (95% interval ..., exact Mann-Whitney p = ...): clearly". */
function marginText(
  m: { ratio: number; ciLow: number | null; ciHigh: number | null; p: number | null },
  clear: boolean,
): string {
  const interval =
    m.ciLow !== null && m.ciHigh !== null
      ? `95% interval ${m.ciLow.toFixed(2)}-${m.ciHigh.toFixed(2)}x`
      : 'no interval';
  const p = m.p === null ? 'no p' : `exact Mann-Whitney p = ${m.p.toFixed(3)}`;
  const verdict = clear ? 'clearly' : 'not clearly (more runs would tell)';
  return `${m.ratio.toFixed(2)}x its time to durable (${interval}, ${p}): ${verdict}`;
}

/** The recommendation in one sentence, for the terminal and the report. */
export function recommendationText(r: Recommendation): string {
  if (!r.fastest || r.fastestDurable === null) {
    return (
      'No mode whose data is durable when qemu-img returns was measured (writethrough, writeback, none or ' +
      'directsync).'
    );
  }
  const head =
    `${r.fastest}: the fastest mode whose data is durable when qemu-img returns (median time to durable ` +
    `${r.fastestDurable.toFixed(2)} s)`;
  if (!r.runnerUp) return `${head}; no other durable mode was measured.`;
  return `${head}; the next, ${r.runnerUp.mode}, takes ${marginText(r.runnerUp, r.clear)}.`;
}

/** What a project's pick costs, in words. */
export function costText(c: ProjectChoice): string {
  if (c.mode === null || c.costRatio === null) return `${c.mode ?? 'its pick'} was not measured here`;
  const durable = DURABLE_MODES.includes(c.mode) ? '' : ', NOT durable when qemu-img returns';
  return `${c.costRatio.toFixed(2)}x the fastest durable time${durable}`;
}

/**
 * For runs without a baseline: the widest 95% interval of the margins "What to choose here" states (each case's next
 * durable mode / its fastest, and across option sets the next pair / the fastest), as a share of the ratio; Infinity
 * while a margin has no interval yet; null when there is no margin at all.
 */
export function widestMarginHalfWidth(results: Results): number | null {
  const across = optionSetChoice(results)?.next;
  const margins = [
    ...recommendations(results).flatMap((r) => (r.runnerUp ? [r.runnerUp] : [])),
    ...(across ? [across] : []),
  ];
  if (!margins.length) return null;
  return Math.max(...margins.map((m) => halfWidthShare(m) ?? Number.POSITIVE_INFINITY));
}
