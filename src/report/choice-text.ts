// Words for "What to choose here": the recommendation, the option-set choice and each project's rule, pick and cost
// (pure; the facts come from analyze/recommendation.ts through results.json).
import { DURABLE_MODES } from '../analyze/durability.ts';
import { isClear, projectFacts } from '../analyze/recommendation.ts';
import type {
  Margin,
  OptionSetChoice,
  Project,
  ProjectChoice,
  ProjectRun,
  Recommendation,
  TargetFacts,
} from '../model/findings.ts';
import { citation, envAssignments, fillArgv, PROJECT_RULES, projectRule } from '../model/project-rules.ts';
import { shellQuote } from '../model/qemu-img-command.ts';
import type { Results } from '../model/results.ts';
import { intervalText, mib, pText, secs } from '../model/units.ts';

/** A project's name and its rule in a few words (from the rule table). */
export function projectText(project: Project): { name: string; rule: string } {
  const rule = projectRule(project);
  return { name: rule.name, rule: rule.rule };
}

/** Why a project's rule does what it does on this target (its pick's reason, from the rule table). */
export function becauseText(project: Project, t: TargetFacts): string {
  return projectRule(project).pick(projectFacts(t)).because;
}

/** Whether a pick's data is durable when qemu-img returns: measured by the power-cut check, else by its mode. */
export function durableAtReturnOf(c: ProjectChoice): boolean {
  return c.durableAtReturn ?? DURABLE_MODES.includes(c.mode ?? '');
}

/** A pick's cost as a figure, "1.11x (0.99-1.24x)", or null when it has none (no command, no successful run). */
function costFigure(c: ProjectChoice): string | null {
  if (c.state !== 'command' || c.costRatio === null) return null;
  const low = c.costCiLow ?? null;
  const high = c.costCiHigh ?? null;
  const interval = low !== null && high !== null ? ` (${intervalText({ ciLow: low, ciHigh: high })})` : '';
  return `${c.costRatio.toFixed(2)}x${interval}`;
}

/** What a project's pick costs, in words. */
export function costText(c: ProjectChoice): string {
  if (c.state === 'unknown') return 'unknown here';
  if (c.state === 'not-applicable') return 'does not apply here';
  const figure = costFigure(c);
  if (c.mode === null || figure === null) return `${c.mode ?? 'its pick'} has no successful run here`;
  const durable = durableAtReturnOf(c) ? '' : ', NOT durable when qemu-img returns';
  return `${figure} the fastest durable time${durable}`;
}

/** Which measured run stands in for a project's command, and how they differ. */
export function standInText(c: ProjectChoice): string {
  if (c.state !== 'command') return '-';
  if (!c.standIn) return `no ${c.mode} run here`;
  const { projectOnly, runOnly } = c.standIn;
  if (!projectOnly.length && !runOnly.length) return `this run's ${c.mode}: the same options`;
  const adds = projectOnly.length ? `it adds ${projectOnly.join(', ')}` : '';
  const lacks = runOnly.length ? `the run had ${runOnly.join(', ')}` : '';
  return `this run's ${c.mode}, approximately: ${[adds, lacks].filter(Boolean).join('; ')}`;
}

/** Where a project's rule was read: "repo@commit path:lines (date)" and the functions. */
export function sourceText(project: Project): string {
  const { source } = projectRule(project);
  return `${citation(source)}, ${source.function}`;
}

/** "1.27x its time to durable (95% interval 1.16-1.38x, Welch p = 0.002)", or why there is no interval. */
function marginFigures(m: Margin): string {
  const interval =
    m.ciLow === null || m.ciHigh === null
      ? 'no interval: too few runs, or runs that do not vary'
      : `95% interval ${intervalText(m)}, Welch ${pText(m.p)}`;
  return `${m.ratio.toFixed(2)}x its time to durable (${interval})`;
}

/** "1.27x its time to durable (95% interval 1.16-1.38x, Welch p = 0.002): clearly". */
function marginText(m: Margin, clear: boolean): string {
  if (m.ciLow === null || m.ciHigh === null) return `${marginFigures(m)}: not clearly`;
  return `${marginFigures(m)}: ${clear ? 'clearly' : 'not clearly: the interval includes 1 (more runs would tell)'}`;
}

/** The recommendation in one sentence, for the terminal and the report. */
export function recommendationText(r: Recommendation): string {
  if (!r.fastest || r.fastestDurable === null) {
    return (
      'No mode whose data is durable when qemu-img returns was measured (writethrough, writeback, none or ' +
      'directsync).'
    );
  }
  const basis =
    r.durableBasis === 'power-cut'
      ? 'measured: intact after a simulated power cut at return'
      : 'by the mode: it flushes before returning; --durability-check measures it';
  const head =
    `${r.fastest}: the fastest mode whose data is durable when qemu-img returns (${basis}; median time to ` +
    `durable ${r.fastestDurable.toFixed(2)} s)`;
  if (!r.runnerUp) return `${head}; no other durable mode was measured.`;
  return `${head}; the next, ${r.runnerUp.mode}, takes ${marginText(r.runnerUp, r.clear)}.`;
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

/** The appendix rows of each project on this target: what it runs, why, and the run standing in for it. */
export function projectRows(r: Recommendation): string[][] {
  return r.projects.map((c) => [
    projectText(c.project).name,
    c.state === 'command' ? (c.mode ?? '-') : c.state,
    becauseText(c.project, r.target),
    standInText(c),
  ]);
}

/**
 * The projects grouped by what they run here, one row per target cache mode (then unknown, does not apply): the
 * projects, the cost of that mode (one figure per mode: the same ratio and interval as anywhere else) and whether its
 * data is durable when qemu-img returns.
 */
export function groupedProjectRows(r: Recommendation): string[][] {
  const groups = new Map<string, ProjectChoice[]>();
  for (const c of r.projects) {
    const key = c.state === 'command' ? (c.mode ?? '-') : c.state === 'unknown' ? 'unknown here' : 'does not apply';
    groups.set(key, [...(groups.get(key) ?? []), c]);
  }
  return [...groups.entries()].map(([key, choices]) => {
    const first = choices[0] as ProjectChoice;
    const names = choices.map((c) => projectText(c.project).name).join(', ');
    if (first.state !== 'command') return [key, names, '-', '-'];
    if (first.mode === r.fastest) return [key, names, 'the fastest durable mode', 'yes'];
    const cost = costFigure(first) ?? `${first.mode ?? 'its pick'} has no successful run here`;
    return [key, names, cost, durableAtReturnOf(first) ? 'yes' : 'NO'];
  });
}

/** docs/projects.md's table of the projects' rules: rule, why, and where it was read (generated from the rule table). */
export function projectTableMarkdown(): string {
  const cell = (text: string) => text.replace(/\|/g, '\\|');
  const rows = PROJECT_RULES.map((r) =>
    [r.name, r.rule, r.reason, `\`${citation(r.source)}\` (${r.source.function})`].map(cell).join(' | '),
  );
  return [
    '| project | rule | why (from its source) | source: repository@commit path:lines (commit date) |',
    '|---|---|---|---|',
    ...rows.map((r) => `| ${r} |`),
  ].join('\n');
}

/** The names of the projects that run one command ("OpenStack Glance, libvirt storage volumes"). */
export function projectNames(projects: readonly Project[]): string {
  return projects.map((p) => projectRule(p).name).join(', ');
}

/** A project command as a person would type it, with SRC and DST for the files. */
export function projectCommandLine(
  argv: readonly string[],
  srcFormat: string,
  outFormat: string,
  around: { prefix?: readonly string[]; env?: Record<string, string>; notApplied?: string | null } = {},
): string {
  const env = envAssignments(around.env ?? {});
  const filled = fillArgv(argv, { src: 'SRC', dst: 'DST', srcFormat, outFormat });
  const line = [...env, ...(around.prefix ?? []), 'qemu-img', ...filled].map(shellQuote).join(' ');
  return around.notApplied ? `${line} (not applied here: ${around.notApplied})` : line;
}

/** A measured project command against the fastest durable one: "1.21x (1.10-1.33x, Welch p = 0.002)". */
export function projectMarginText(run: ProjectRun): string {
  if (!run.durableAtReturn) return 'not durable when qemu-img returns';
  if (run.durable === null) return 'not measured';
  if (!run.margin) return 'the fastest durable command here';
  return `${marginFigures(run.margin)}: ${isClear(run.margin) ? 'clearly slower' : 'not clearly slower'}`;
}

/** The table rows of the projects' commands as measured (--as-projects). */
export function projectRunRows(results: Results): string[][] {
  return results.projectRuns.map((run) => {
    const c = results.cases.find((x) => x.id === run.caseId);
    const line = c?.command ? projectCommandLine(c.command.argv, results.image.format, c.outputFormat, c.command) : '?';
    return [
      projectNames(run.projects),
      line,
      run.mode,
      secs(run.real),
      secs(run.durable),
      projectMarginText(run),
      run.durableAtReturn ? 'yes' : `no: ${mib(run.dirtyAfterKiB)} unflushed at exit`,
    ];
  });
}
