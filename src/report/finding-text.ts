// Words for the facts results.json records: warnings, what was not measured, failed audits, how sampling ended.
// The only place these sentences are made (pure).

import type { AuditFailure, NotMeasured, RunWarning } from '../model/findings.ts';
import { projectRule } from '../model/project-rules.ts';
import type { FlushAudit, Results } from '../model/results.ts';
import { intervalText } from '../model/units.ts';

/** One warning as a sentence, tagged with its case when the run has several. */
export function warningText(w: RunWarning, cases = 1): string {
  const tag = cases > 1 ? `[${w.caseId}] ` : '';
  return `${tag}${w.mode}: ${warningBody(w)}`;
}

function warningBody(w: RunWarning): string {
  switch (w.code) {
    case 'outlier':
      return (
        `run ${w.runs.join(', ')} is an outlier (modified z-score > 3.5 among ${w.among} runs); another program ` +
        'may have disturbed it'
      );
    case 'runs-failed':
      return `${w.failed} of ${w.of} runs failed (${w.error ?? 'unknown'})`;
    case 'single-run':
      return '1 run only, so no interval exists for its figures; use 2 or more runs';
    case 'interval-includes-one':
      return (
        `the speedup's 95% interval (${intervalText(w)}) includes 1; no difference from ${w.baseline} can be ` +
        'concluded'
      );
    case 'interval-wide':
      return `the speedup's 95% interval is wide (${intervalText(w)}); more runs would narrow it`;
    case 'discards-in-flight':
      return (
        `${w.runs.length > 1 ? 'runs' : 'run'} ${w.runs.join(', ')} started while the previous output's discards ` +
        `were still completing after ${w.waitedSeconds.toFixed(1)} s of waiting (the target's file system discards ` +
        'after the commit); the disk shared its time with them, so these times may be too long'
      );
  }
}

/** Every warning of a run as sentences. */
export function warningTexts(results: Results): string[] {
  return results.warnings.map((w) => warningText(w, results.summary.cases.length));
}

/** What was not measured, and why, as a sentence. */
export function notMeasuredText(n: NotMeasured): string {
  switch (n.code) {
    case 'cold-cache-off':
      return 'cold-cache times: page cache dropping was turned off (--no-drop-caches)';
    case 'cold-cache-not-root':
      return (
        'cold-cache times with an empty page cache: not root, so /proc/sys/vm/drop_caches was not used; source ' +
        'files were evicted with posix_fadvise(DONTNEED) instead, which leaves other cached data'
      );
    case 'flush-audit-skipped':
      return 'flush audit (system calls per mode): skipped with --no-flush-audit (a flag of older versions)';
    case 'flush-audit-deferred':
      return (
        `the one-time flush audit (strace cross-check of the counts) of ${n.cells.join(', ')}: it did not fit in ` +
        "the --budget after the measured runs, so the counts are the flush meter's from the timed runs; a run with " +
        'budget to spare (or --runs) counts them once and caches them'
      );
    case 'flush-probe-skipped':
      return 'flush latency of the target storage: skipped with --no-flush-probe';
    case 'flush-counter-unavailable':
      return `flush counts: strace is not installed and the flush counter cannot be built (${n.error})`;
    case 'recorded-text':
      return n.text;
    case 'flush-meter-off':
      return (
        'flushes, the time inside them and unflushed bytes in the timed runs: the meter was off ' + '(--no-flush-meter)'
      );
    case 'flush-meter-not-loaded':
      return (
        `flushes and the time inside them in ${n.runs} timed run${n.runs === 1 ? '' : 's'}: the meter did not load ` +
        'into qemu-img (a wrapper script, a setuid or static build drops LD_PRELOAD)'
      );
    case 'flush-meter-unavailable':
      return `flushes and the time inside them in the timed runs: the meter library cannot be had (${n.error})`;
    case 'durability-unavailable':
      return `what a power cut leaves of each output (--durability-check): ${n.error}`;
    case 'project-not-run': {
      const name = projectRule(n.project).name;
      return n.state === 'unknown'
        ? `${name}'s command on ${n.target}: its rule depends on a fact this run could not establish`
        : `${name}'s command on ${n.target}: its rule does not apply to this kind of target`;
    }
  }
}

/** Why an audit has no counts, in words. */
export function auditFailureText(failure: AuditFailure | null, source: FlushAudit['source']): string {
  const run = source === 'preload' ? 'flush count run failed' : 'flush audit run failed';
  switch (failure?.code) {
    case undefined:
      return 'no counts';
    case 'strace-missing':
      return 'strace is not installed';
    case 'ptrace-denied':
      return `${run}: ptrace is not allowed here`;
    case 'run-failed':
      return `${run}: ${failure.error}`;
    case 'recorded-text':
      return failure.text;
  }
}

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

/**
 * How many measured runs each mode got: "4 runs per mode", or per mode when the allocation left precise modes out of
 * later rounds ("writethrough 6, writeback 6, none 4, unsafe 4 runs").
 */
export function runCountText(results: Results): string {
  const counts = results.summary.cases.flatMap((c) =>
    c.modes.map((m) => ({
      label: results.summary.cases.length > 1 ? `${c.caseId} ${m.mode}` : m.mode,
      runs: results.samples.filter((s) => s.caseId === c.caseId && s.mode === m.mode && !s.warmup).length,
    })),
  );
  const distinct = new Set(counts.map((c) => c.runs));
  if (distinct.size <= 1) return `${counts[0]?.runs ?? results.sampling?.rounds ?? results.config.runs} runs per mode`;
  return `${counts.map((c) => `${c.label} ${c.runs}`).join(', ')} runs (later rounds left out the modes already known to --precision)`;
}

/** Why sampling stopped, in words (from the sampling facts and the recorded config). */
export function samplingText(results: Results): string | null {
  const s = results.sampling;
  if (!s) return null;
  const a = results.config.adaptive;
  const what = s.target ?? 'speedup';
  const level = `${Math.round(s.judgedAtLevel * 100)}%`;
  switch (s.stoppedBy) {
    case 'stopped':
      return 'the plan was stopped before it finished';
    case 'runs':
      return `a fixed count of ${results.config.runs} runs (--runs)`;
    case 'min-runs':
      return (
        'no ratio to narrow (one mode, no baseline and no second durable mode): stopped at ' +
        `--min-runs ${a?.minRuns ?? s.rounds}`
      );
    case 'precision': {
      const every = what === 'speedup' ? "every speedup's" : "every margin's (next fastest durable mode / fastest)";
      return `${every} ${level} interval within ±${percent(a?.precision ?? 0)} after ${s.rounds} runs`;
    }
    case 'budget': {
      const round = s.roundSeconds === null ? '' : ` (about ${s.roundSeconds.toFixed(0)} s)`;
      const spent = s.spentSeconds === null ? '' : ` (${s.spentSeconds.toFixed(0)} s spent)`;
      const widest =
        s.widestHalfWidth === null ? '' : `; widest ${what} ${level} interval ±${percent(s.widestHalfWidth)}`;
      const budget = `the ${a?.budgetSeconds} s budget`;
      return `another round${round} would pass ${budget}${spent}${widest} after ${s.rounds} runs`;
    }
    case 'max-runs': {
      const at = s.widestHalfWidth === null || !Number.isFinite(s.widestHalfWidth) ? '?' : percent(s.widestHalfWidth);
      return `--max-runs ${a?.maxRuns ?? s.rounds} reached with the widest ${what} ${level} interval at ±${at}`;
    }
  }
}
