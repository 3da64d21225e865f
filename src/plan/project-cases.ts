// --as-projects: each target's case turned into one case per distinct command line the chosen projects would run there
// (projects whose command is the same share a case), and the projects that run nothing there, with why (pure).
import type { PlanCase } from '../model/plan.ts';
import { type ProjectFacts, type ProjectId, projectRule } from '../model/project-rules.ts';

/** A project that runs no command on a target: its rule does not apply there, or needs a fact not known. */
export interface ProjectSkipped {
  project: ProjectId;
  caseId: string;
  /** The target: its directory, block device or loop folder. */
  target: string;
  state: 'unknown' | 'not-applicable';
}

/** The cases of the projects' commands on the target of `base`, ids "as=PROJECT+PROJECT" after the base's id. */
export function projectCases(
  base: PlanCase,
  facts: ProjectFacts,
  projects: readonly ProjectId[],
  probe: NonNullable<PlanCase['odirectProbe']>,
): { cases: PlanCase[]; skipped: ProjectSkipped[] } {
  const groups = new Map<string, PlanCase>();
  const skipped: ProjectSkipped[] = [];
  for (const project of projects) {
    const pick = projectRule(project).pick(facts);
    if (pick.state !== 'command') {
      skipped.push({ project, caseId: base.id, target: base.targetDir, state: pick.state });
      continue;
    }
    const key = JSON.stringify(pick.command);
    const group = groups.get(key);
    if (group?.command) group.command.projects.push(project);
    else groups.set(key, { ...base, odirectProbe: probe, command: { ...pick.command, projects: [project] } });
  }
  const prefix = base.id === 'default' ? '' : `${base.id},`;
  const cases = [...groups.values()].map((c) => ({ ...c, id: `${prefix}as=${c.command?.projects.join('+')}` }));
  return { cases, skipped };
}
