// "What to choose here": the fastest mode whose data is durable when the conversion returns, how clearly it wins, and
// what the documented choice of Nova, Cinder, vdsm, CDI and Proxmox would cost on this host and target (pure).

import type {
  Margin,
  OptionSetChoice,
  ProjectChoice,
  ProjectRun,
  Recommendation,
  TargetFacts,
} from '../model/findings.ts';
import {
  effectiveMode,
  effectiveSourceCache,
  envAssignments,
  fillArgv,
  PROJECT_RULES,
  type ProjectFacts,
} from '../model/project-rules.ts';
import { convertArgs } from '../model/qemu-img-command.ts';
import { type ModeSummary, measuredRuns, type Results } from '../model/results.ts';
import { durableAtReturn } from './durability.ts';
import { halfWidthShare, isSignificant, ratioInterval } from './stats.ts';

function durableTimes(results: Results, caseId: string, mode: string): number[] {
  return measuredRuns(results, caseId, mode).map((s) => s.durable);
}

/** The facts of a case's target that the project rules depend on. */
export function targetFacts(results: Results, caseId: string, modes: readonly ModeSummary[]): TargetFacts {
  const runCase = results.cases.find((c) => c.id === caseId);
  const measured = modes.some((x) => x.mode === 'none' && x.state === 'measured');
  const refused = modes.some((x) => x.mode === 'none' && x.state === 'unsupported');
  const writeback = results.samples.filter((s) => s.caseId === caseId && s.mode === 'writeback' && s.memory);
  return {
    odirect: measured ? 'works' : refused ? 'refused' : 'unknown',
    kind: runCase?.targetKind ?? 'dir',
    device: runCase?.device?.path ?? null,
    fsType: runCase?.storage.fsType ?? null,
    sourceOdirect: 'unknown',
    writebackOomKilled: writeback.length ? writeback.some((s) => s.memory?.oomKilled) : null,
    srcFormat: results.image.format,
    outFormat: runCase?.outputFormat ?? 'raw',
    stated: { ...results.config.projectStorage },
  };
}

/** The facts a project rule reads, from a case's target facts. */
export function projectFacts(t: TargetFacts): ProjectFacts {
  return { ...t, target: t.kind === 'dir' ? 'dir' : 'block' };
}

/**
 * The options of a qemu-img convert argv that decide what it does, each with its value ("-t none", "-W"), without the
 * file names: one -t (the last, or "-t unsafe", qemu-img's default, when there is none) and one -T.
 */
export function convertOptions(argv: readonly string[]): string[] {
  const options: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    const word = argv[i] as string;
    if (!word.startsWith('-')) continue;
    const value = argv[i + 1];
    const takesValue = VALUE_OPTIONS.has(word) && value !== undefined;
    if (takesValue) i++;
    if (word === '-t' || word === '-T' || word === '--image-opts') continue;
    options.push(takesValue ? `${word} ${value}` : word);
  }
  const source = effectiveSourceCache(argv);
  return [`-t ${effectiveMode(argv)}`, ...(source ? [`-T ${source}`] : []), ...options];
}

/** qemu-img convert options that take a value. */
const VALUE_OPTIONS = new Set(['-t', '-T', '-f', '-O', '-o', '-m', '-r', '-S', '-l', '-B', '--image-opts', '--object']);

/** The options only a project's command has, and those only the measured run had. */
export function commandDifferences(project: readonly string[], measured: readonly string[]) {
  const ours = convertOptions(measured);
  const theirs = convertOptions(project);
  return { projectOnly: theirs.filter((o) => !ours.includes(o)), runOnly: ours.filter((o) => !theirs.includes(o)) };
}

/** The argv of a measured run of `mode` in a case: as recorded, or from the case's options in files without argv. */
function measuredArgv(results: Results, caseId: string, mode: string): readonly string[] | null {
  const runs = results.samples.filter((s) => s.caseId === caseId && s.mode === mode && s.state === 'ok');
  const recorded = runs.find((s) => s.argv)?.argv;
  if (recorded) return recorded;
  const runCase = results.cases.find((c) => c.id === caseId);
  if (!runs.length || !runCase) return null;
  const files = { src: 'SRC', dst: 'DST', srcFormat: results.image.format, outFormat: runCase.outputFormat };
  return convertArgs({ ...files, mode, srcCache: runCase.srcCache, options: runCase.options });
}

/** Each project's command on this target, the measured run standing in for it and its cost. */
function projectChoices(
  results: Results,
  caseId: string,
  target: TargetFacts,
  modes: readonly ModeSummary[],
  fastest: Candidate | undefined,
): ProjectChoice[] {
  const facts = projectFacts(target);
  return PROJECT_RULES.map((rule) => {
    const pick = rule.pick(facts);
    if (pick.state !== 'command')
      return {
        project: rule.id,
        state: pick.state,
        mode: null,
        argv: null,
        costRatio: null,
        costCiLow: null,
        costCiHigh: null,
        durableAtReturn: null,
        standIn: null,
      };
    const mode = effectiveMode(pick.command.argv);
    const measuredMode = modes.some((x) => x.mode === mode && x.state === 'measured' && x.durable);
    const measured = measuredArgv(results, caseId, mode);
    const filled = fillArgv(pick.command.argv, {
      src: 'SRC',
      dst: 'DST',
      srcFormat: target.srcFormat,
      outFormat: target.outFormat,
    });
    const around = [
      ...envAssignments(pick.command.env),
      ...(pick.command.prefix.length ? [pick.command.prefix.join(' ')] : []),
    ];
    const differences = measured ? commandDifferences(filled, measured) : null;
    const standIn = differences
      ? { caseId, projectOnly: [...around, ...differences.projectOnly], runOnly: differences.runOnly }
      : null;
    return {
      project: rule.id,
      state: 'command' as const,
      mode,
      argv: pick.command.argv,
      ...costOf(results, caseId, measuredMode ? mode : null, fastest),
      durableAtReturn: durableAtReturn(results, caseId, mode).durable,
      standIn,
    };
  });
}

/**
 * A mode's time to durable against the fastest durable mode's: the same ratio of geometric means and 95% interval as
 * the margin between them ("What to choose here"), 1 for the fastest itself, nulls when either was not measured.
 */
function costOf(results: Results, caseId: string, mode: string | null, fastest: Candidate | undefined) {
  if (mode === null || !fastest) return { costRatio: null, costCiLow: null, costCiHigh: null };
  if (mode === fastest.mode) return { costRatio: 1, costCiLow: null, costCiHigh: null };
  const r = ratioInterval(durableTimes(results, caseId, mode), durableTimes(results, caseId, fastest.mode));
  return { costRatio: r?.ratio ?? null, costCiLow: r?.ciLow ?? null, costCiHigh: r?.ciHigh ?? null };
}

/** The recommendation of every case of a run; `level` is the confidence of the runner-up's interval (95% reported). */
export function recommendations(results: Results, level = 0.95): Recommendation[] {
  return results.summary.cases.map(({ caseId, modes }) => {
    const [first, second] = durableCandidates(results, caseId, modes);
    const fastestDurable = first?.median ?? null;
    const runnerUp = first && second ? marginOf(results, second, first, level) : null;
    const target = targetFacts(results, caseId, modes);
    return {
      caseId,
      fastest: first?.mode ?? null,
      fastestDurable,
      durableBasis: first ? durableAtReturn(results, caseId, first.mode).basis : null,
      runnerUp,
      clear: isClear(runnerUp),
      target,
      projects: projectChoices(results, caseId, target, modes, first),
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
  const candidates = results.summary.cases.flatMap(({ caseId, modes }) => durableCandidates(results, caseId, modes));
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

/**
 * Successful runs a mode needs before it can be recommended: --min-runs when sampling to a precision, else every run of
 * --runs (a mode that succeeded once among failures is no recommendation).
 */
export function runsToRecommend(results: Results): number {
  return results.config.adaptive?.minRuns ?? results.config.runs;
}

/** The durable candidates of one case that ran often enough, fastest first. */
function durableCandidates(results: Results, caseId: string, modes: readonly ModeSummary[]): Candidate[] {
  const enough = runsToRecommend(results);
  return modes
    .filter((m) => durableAtReturn(results, caseId, m.mode).durable && m.state === 'measured' && m.durable)
    .filter((m) => m.runs >= enough)
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

function durableOf(results: Results, caseId: string, mode: string) {
  const d = durableAtReturn(results, caseId, mode);
  return { durableAtReturn: d.durable, durableBasis: d.basis };
}

/**
 * --as-projects: each measured project command with its medians, whether its data is durable when qemu-img returns,
 * and its time to durable against the fastest durable command on the same target (ratio, interval at `level`, p).
 */
export function projectRuns(results: Results, level = 0.95): ProjectRun[] {
  const commands = results.cases.filter((c) => c.command);
  const summary = (caseId: string) => results.summary.cases.find((c) => c.caseId === caseId)?.modes[0];
  const target = (c: (typeof commands)[number]) => `${c.targetKind}:${c.targetDir}`;
  const fastest = new Map<string, Candidate>();
  for (const c of commands) {
    const m = summary(c.id);
    if (m?.state !== 'measured' || !durableAtReturn(results, c.id, m.mode).durable || !m.durable) continue;
    const best = fastest.get(target(c));
    if (!best || m.durable.median < best.median)
      fastest.set(target(c), { caseId: c.id, mode: m.mode, median: m.durable.median });
  }
  return commands.map((c) => {
    const m = summary(c.id);
    const mode = m?.mode ?? effectiveMode(c.command?.argv ?? []);
    const measured = m?.state === 'measured';
    const best = fastest.get(target(c));
    const self = measured && m?.durable ? { caseId: c.id, mode, median: m.durable.median } : null;
    return {
      caseId: c.id,
      projects: c.command?.projects ?? [],
      mode,
      real: measured ? (m?.real?.median ?? null) : null,
      durable: measured ? (m?.durable?.median ?? null) : null,
      ...durableOf(results, c.id, mode),
      dirtyAfterKiB: measured ? (m?.dirtyAfterKiB?.median ?? null) : null,
      margin: self && best && best.caseId !== c.id ? marginOf(results, self, best, level) : null,
    };
  });
}
