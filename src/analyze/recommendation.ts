// "What to choose here": the fastest mode whose data is durable when the conversion returns, how clearly it wins, and
// what the documented choice of Nova, Cinder, vdsm, CDI and Proxmox would cost on this host and target (pure).

import {
  type Margin,
  type OptionSetChoice,
  PROJECTS,
  type Project,
  type ProjectChoice,
  type Recommendation,
  type TargetFacts,
} from '../model/findings.ts';
import type { ModeSummary, Results, Sample } from '../model/results.ts';
import { halfWidthShare, isSignificant, ratioInterval } from './stats.ts';

/** Modes whose data is on stable storage when qemu-img returns (writeback through its final flush). */
export const DURABLE_MODES = ['writethrough', 'writeback', 'none', 'directsync'];

function durableTimes(results: Results, caseId: string, mode: string): number[] {
  return results.samples
    .filter((s: Sample) => s.caseId === caseId && s.mode === mode && s.state === 'ok' && !s.warmup)
    .map((s) => s.durable);
}

/** The facts of a case's target that the project rules depend on. */
export function targetFacts(results: Results, caseId: string, modes: readonly ModeSummary[]): TargetFacts {
  const runCase = results.cases.find((c) => c.id === caseId);
  const measured = modes.some((x) => x.mode === 'none' && x.state === 'measured');
  const refused = modes.some((x) => x.mode === 'none' && x.state === 'unsupported');
  return {
    odirect: measured ? 'works' : refused ? 'refused' : 'unknown',
    kind: runCase?.targetKind ?? 'dir',
    device: runCase?.device?.path ?? null,
    fsType: runCase?.storage.fsType ?? null,
  };
}

/** The mode each project's documented rule picks on a target (see the README's table for their sources). */
export const PROJECT_RULES: Record<Project, (t: TargetFacts) => string> = {
  nova: (t) => (t.odirect === 'works' ? 'none' : 'writeback'),
  cinder: (t) => (t.kind !== 'dir' && t.odirect === 'works' ? 'none' : QEMU_IMG_DEFAULT),
  vdsm: () => 'none',
  cdi: () => 'none',
  proxmox: (t) => (t.fsType === 'zfs' ? 'none' : QEMU_IMG_DEFAULT),
};

/** qemu-img convert's own target cache when no -t is given. */
export const QEMU_IMG_DEFAULT = 'unsafe';

/** Each project's pick on this target with its cost against the fastest durable mode. */
function projectChoices(target: TargetFacts, modes: readonly ModeSummary[], fastest: number | null): ProjectChoice[] {
  return PROJECTS.map((project) => {
    const mode = PROJECT_RULES[project](target);
    const median = modes.find((x) => x.mode === mode && x.state === 'measured')?.durable?.median;
    return { project, mode, costRatio: median !== undefined && fastest ? median / fastest : null };
  });
}

/** The recommendation of every case of a run. */
/** The recommendation of every case of a run; `level` is the confidence of the runner-up's interval (95% reported). */
export function recommendations(results: Results, level = 0.95): Recommendation[] {
  return results.summary.cases.map(({ caseId, modes }) => {
    const [first, second] = durableCandidates(caseId, modes);
    const fastestDurable = first?.median ?? null;
    const runnerUp = first && second ? marginOf(results, second, first, level) : null;
    const target = targetFacts(results, caseId, modes);
    return {
      caseId,
      fastest: first?.mode ?? null,
      fastestDurable,
      runnerUp,
      clear: isClear(runnerUp),
      target,
      projects: projectChoices(target, modes, fastestDurable),
    };
  });
}

/** A durable mode of one case: an option set's candidate. */
type Candidate = OptionSetChoice['best'];

/** `c` against `best`: the ratio of its times to durable with its Welch interval (at `level`) and p. */
function marginOf(results: Results, c: Candidate, best: Candidate, level = 0.95): Margin | null {
  const r = ratioInterval(
    durableTimes(results, c.caseId, c.mode),
    durableTimes(results, best.caseId, best.mode),
    level,
  );
  return r ? { ...c, ratio: r.ratio, ciLow: r.ciLow, ciHigh: r.ciHigh, p: r.p } : null;
}

/** True when the margin is clearly an increase: its interval lies above 1. */
export function isClear(m: Margin | null): boolean {
  return m !== null && m.ratio > 1 && isSignificant(m);
}

/** The fastest durable (case, mode) over every case, or null for a run of one case; margins at `level`. */
export function optionSetChoice(results: Results, level = 0.95): OptionSetChoice | null {
  if (results.summary.cases.length < 2) return null;
  const candidates = results.summary.cases.flatMap(({ caseId, modes }) => durableCandidates(caseId, modes));
  candidates.sort((a, b) => a.median - b.median);
  const [best, second] = candidates;
  if (!best) return null;
  const next = second ? marginOf(results, second, best, level) : null;
  const firstOfEachSet = candidates.filter((c, i) => candidates.findIndex((x) => x.caseId === c.caseId) === i);
  const otherSets = firstOfEachSet
    .filter((c) => c.caseId !== best.caseId)
    .flatMap((c) => marginOf(results, c, best, level) ?? []);
  return { best, next, clear: isClear(next), otherSets, candidates: candidates.length };
}

/** The durable candidates of one case, fastest first. */
function durableCandidates(caseId: string, modes: readonly ModeSummary[]): Candidate[] {
  return modes
    .filter((m) => DURABLE_MODES.includes(m.mode) && m.state === 'measured' && m.durable)
    .map((m) => ({ caseId, mode: m.mode, median: m.durable?.median as number }))
    .sort((a, b) => a.median - b.median);
}

/**
 * For runs without a baseline: the widest interval, at `level`, of the margins "What to choose here" states (each
 * case's next durable mode / its fastest, and across option sets the next pair / the fastest), as a share of the
 * ratio; Infinity while a margin has no interval yet; null when there is no margin at all.
 */
export function widestMarginHalfWidth(results: Results, level = 0.95): number | null {
  const across = optionSetChoice(results, level)?.next;
  const margins = [
    ...recommendations(results, level).flatMap((r) => (r.runnerUp ? [r.runnerUp] : [])),
    ...(across ? [across] : []),
  ];
  if (!margins.length) return null;
  return Math.max(...margins.map((m) => halfWidthShare(m) ?? Number.POSITIVE_INFINITY));
}
