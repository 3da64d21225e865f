// Words for "What to choose here": the recommendation, the option-set choice and each project's rule, pick and cost
// (pure; the facts come from analyze/recommendation.ts through results.json).
import { DURABLE_MODES, isClear } from '../analyze/recommendation.ts';
import type {
  Margin,
  OptionSetChoice,
  Project,
  ProjectChoice,
  Recommendation,
  TargetFacts,
} from '../model/findings.ts';
import { intervalText, pText } from '../model/units.ts';

/** Each project's name and its rule as documented. */
export const PROJECT_TEXT: Record<Project, { name: string; rule: string }> = {
  nova: { name: 'OpenStack Nova', rule: '-t none when O_DIRECT works on the target, else -t writeback' },
  cinder: {
    name: 'OpenStack Cinder',
    rule: "-t none for block-device targets that support O_DIRECT, else qemu-img's default",
  },
  vdsm: { name: 'oVirt/vdsm', rule: 'always -t none -T none' },
  cdi: { name: 'KubeVirt CDI', rule: '-t none (back from writeback + fsync after page-cache OOM kills)' },
  proxmox: { name: 'Proxmox VE', rule: "-t none only onto ZFS, else qemu-img's default" },
};

const DEFAULT_TEXT =
  "qemu-img's default target cache (unsafe for convert: no flush, checked with strace on qemu-img 7.2; not durable)";

const ODIRECT_TEXT: Record<TargetFacts['odirect'], string> = {
  works: 'O_DIRECT works on this target (none was measured)',
  refused: 'O_DIRECT fails on this target (none was refused)',
  unknown: 'none was not measured, so O_DIRECT support is unknown',
};

/** Why a project's rule picks what it picks on this target. */
export function becauseText(project: Project, t: TargetFacts): string {
  const block = t.kind !== 'dir';
  switch (project) {
    case 'nova':
      return ODIRECT_TEXT[t.odirect];
    case 'cinder':
      if (!block) return `the target is a file system directory; otherwise ${DEFAULT_TEXT}`;
      return (
        `the target is a block device (${t.device ?? '?'}); ${ODIRECT_TEXT[t.odirect]}` +
        (t.odirect === 'works' ? '' : `; otherwise ${DEFAULT_TEXT}`)
      );
    case 'vdsm':
    case 'cdi':
      return 'the rule does not depend on the host';
    case 'proxmox': {
      const target = block ? 'the target is a block device, not ZFS' : `the target file system is ${t.fsType ?? '?'}`;
      return `${target}; otherwise ${DEFAULT_TEXT}`;
    }
  }
}

/** What a project's pick costs, in words. */
export function costText(c: ProjectChoice): string {
  if (c.mode === null || c.costRatio === null) return `${c.mode ?? 'its pick'} was not measured here`;
  const durable = DURABLE_MODES.includes(c.mode) ? '' : ', NOT durable when qemu-img returns';
  return `${c.costRatio.toFixed(2)}x the fastest durable time${durable}`;
}

/** "1.27x its time to durable (95% interval 1.16-1.38x, Welch p = 0.002): clearly". */
function marginText(m: Margin, clear: boolean): string {
  if (m.ciLow === null || m.ciHigh === null) {
    const none = 'no interval: too few runs, or runs that do not vary';
    return `${m.ratio.toFixed(2)}x its time to durable (${none}): not clearly`;
  }
  const verdict = clear ? 'clearly' : 'not clearly: the interval includes 1 (more runs would tell)';
  const interval = `95% interval ${intervalText(m)}, Welch ${pText(m.p)}`;
  return `${m.ratio.toFixed(2)}x its time to durable (${interval}): ${verdict}`;
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

/** The option-set choice in sentences. */
export function optionSetText(c: OptionSetChoice): string {
  const head =
    `Across ${c.candidates} durable (option set, mode) pairs, the fastest is ${c.best.mode} with ${c.best.caseId} ` +
    `(median time to durable ${c.best.median.toFixed(2)} s)`;
  const next = c.next ? `; the next, ${c.next.mode} with ${c.next.caseId}, takes ${marginText(c.next, c.clear)}` : '';
  const sets = c.otherSets.map((m) => `${m.caseId} (${m.mode}) takes ${marginText(m, isClear(m))}`);
  return `${head}${next}.${sets.length ? ` The best of each other option set: ${sets.join('; ')}.` : ''}`;
}

/** The table rows of each project's rule, pick, reason and cost. */
export function projectRows(r: Recommendation): string[][] {
  return r.projects.map((c) => [
    PROJECT_TEXT[c.project].name,
    PROJECT_TEXT[c.project].rule,
    c.mode ?? '-',
    becauseText(c.project, r.target),
    costText(c),
  ]);
}
