// What a run found, as data: warnings, what was not measured, the verdict's reasons, the recommendation. Each is an
// object with a `code` and the figures it rests on; src/report/ alone turns them into words, so scripts ask
// `reasons.some(r => r.code === 'probe-disagrees')` and a newer tool can word an old run better.
import { z } from 'zod';
import { PROJECT_IDS } from './project-rules.ts';

const num = z.number();
const int = z.number().int();
const str = z.string();

/**
 * A ratio with its 95% interval and the two-sided p of the same test (nulls: too few runs, or no variation, for
 * either), and the method that made them: the interval excludes 1 exactly when p < 0.05.
 */
export const RatioSchema = z.object({
  ratio: num,
  ciLow: num.nullable(),
  ciHigh: num.nullable(),
  p: num.nullable().default(null),
  method: str,
});

/** Something a reader of one mode's figures must be told. */
export const RunWarningSchema = z.discriminatedUnion('code', [
  /** Runs whose wall time is an outlier (modified z-score > 3.5). */
  z.object({ code: z.literal('outlier'), caseId: str, mode: str, runs: z.array(int), among: int }),
  /** Some (not all) runs failed; `error` is the first failure's message from qemu-img or the harness. */
  z.object({ code: z.literal('runs-failed'), caseId: str, mode: str, failed: int, of: int, error: str.nullable() }),
  /** One successful run only: no interval exists for its figures. */
  z.object({ code: z.literal('single-run'), caseId: str, mode: str }),
  /** The speedup's 95% interval includes 1: no difference from the baseline can be concluded. */
  z.object({
    code: z.literal('interval-includes-one'),
    caseId: str,
    mode: str,
    baseline: str,
    ciLow: num,
    ciHigh: num,
  }),
  /** The speedup's 95% interval is wider than +-25% of the ratio. */
  z.object({ code: z.literal('interval-wide'), caseId: str, mode: str, ciLow: num, ciHigh: num }),
  /** Runs timed while the last removal's discards still completed after the wait's limit (`waitedSeconds`, longest). */
  z.object({ code: z.literal('discards-in-flight'), caseId: str, mode: str, runs: z.array(int), waitedSeconds: num }),
]);

/** Something the run could not measure, and why. */
export const NotMeasuredSchema = z.discriminatedUnion('code', [
  /** Cold-cache times: --no-drop-caches. */
  z.object({ code: z.literal('cold-cache-off') }),
  /** Cold-cache times with an empty page cache: not root, so sources were evicted with posix_fadvise only. */
  z.object({ code: z.literal('cold-cache-not-root') }),
  /** The flush audit: --no-flush-audit. */
  z.object({ code: z.literal('flush-audit-skipped') }),
  /** The one-time flush audit of these cells ("case mode") did not fit in the --budget after the measured runs. */
  z.object({ code: z.literal('flush-audit-deferred'), cells: z.array(str) }),
  /** The flush latency probe: --no-flush-probe. */
  z.object({ code: z.literal('flush-probe-skipped') }),
  /** Flush counts: no strace, and the LD_PRELOAD counter could not be built (`error`: the build's message). */
  z.object({ code: z.literal('flush-counter-unavailable'), error: str }),
  /** A sentence recorded by a tool older than schema 3, kept as it was. */
  z.object({ code: z.literal('recorded-text'), text: str }),
  /** The flush meter: --no-flush-meter, or its library could not be had (`error`). */
  z.object({ code: z.literal('flush-meter-off') }),
  z.object({ code: z.literal('flush-meter-unavailable'), error: str }),
  /** The meter was loaded (LD_PRELOAD) but wrote nothing in `runs` successful runs: qemu-img dropped the preload. */
  z.object({ code: z.literal('flush-meter-not-loaded'), runs: z.number().int() }),
  /** The power-cut check (--durability-check): its file system could not be had (`error`). */
  z.object({ code: z.literal('durability-unavailable'), error: str }),
  /** --as-projects: a project's command was not run on a target (its rule does not apply, or needs a fact unknown). */
  z.object({
    code: z.literal('project-not-run'),
    project: z.enum(PROJECT_IDS),
    target: str,
    state: z.enum(['unknown', 'not-applicable']),
  }),
]);

/** Why a flush audit has no counts. */
export const AuditFailureSchema = z.discriminatedUnion('code', [
  z.object({ code: z.literal('strace-missing') }),
  z.object({ code: z.literal('ptrace-denied') }),
  /** The audited conversion failed; `error` is qemu-img's or strace's last line. */
  z.object({ code: z.literal('run-failed'), error: str }),
  /** A sentence recorded by a tool older than schema 3, kept as it was. */
  z.object({ code: z.literal('recorded-text'), text: str }),
]);

/** How the measured rounds ended, with the figures the reason rests on. */
export const SamplingSchema = z.object({
  /** runs: the fixed count; precision, min-runs, max-runs, budget: adaptive sampling's ends; stopped: a failure or a
   * signal. */
  stoppedBy: z.enum(['runs', 'precision', 'min-runs', 'max-runs', 'budget', 'stopped']),
  /** Measured rounds completed. */
  rounds: int,
  /** Widest half-width share of the ratios sampling narrowed when it stopped, or null without any. */
  widestHalfWidth: num.nullable(),
  /** What sampling narrowed: speedups against the baseline, or the margins of "what to choose" (null: nothing). */
  target: z.enum(['speedup', 'margin']).nullable().default(null),
  /** The confidence level the precision was judged at (stricter than the 95% reported, so stopping stays honest). */
  judgedAtLevel: num.default(0.95),
  /** Seconds the bench had spent when the budget stopped it, and the estimated length of one more round. */
  spentSeconds: num.nullable().default(null),
  roundSeconds: num.nullable().default(null),
});

/** A likely reason the writeback speedup differs from the 2019 figure, with the facts it rests on. */
export const VerdictReasonSchema = z.discriminatedUnion('code', [
  /** The target is tmpfs or ramfs, where a flush does nothing (measured: the file system type). */
  z.object({ code: z.literal('flush-is-noop'), fsType: str }),
  /** Flushes are fast here: the probe's median plus any emulated delay, ms (measured). */
  z.object({
    code: z.literal('fast-flushes'),
    perFlushMs: num,
    nativeMs: num.nullable(),
    emulatedMs: num.nullable(),
    probeBytes: num.nullable(),
  }),
  /** flushes x probe latency: what writethrough should cost (a prediction). */
  z.object({ code: z.literal('probe-predicts'), flushes: int, predictedSeconds: num }),
  /** Median writethrough - median writeback, and that per flush (measured). */
  z.object({ code: z.literal('measured-penalty'), measuredSeconds: num, perFlushMs: num }),
  /** The prediction is off by more than the tolerance: the probe does not explain the penalty. */
  z.object({ code: z.literal('probe-disagrees'), predictedSeconds: num, measuredSeconds: num, tolerance: num }),
  /** Flush latency this host would need for the 2019 ratio with this image (a prediction from measured medians). */
  z.object({ code: z.literal('latency-needed'), ratio: num, perFlushMs: num }),
  /** writeback spends most of its wall time on CPU (measured), with the compressed share of the image. */
  z.object({
    code: z.literal('cpu-bound'),
    userSeconds: num,
    sysSeconds: num,
    realSeconds: num,
    compressedClusters: str.nullable(),
    /** Median share of wall time with a flush in flight (flush meter), or null when the meter did not count. */
    flushShare: num.nullable().default(null),
  }),
  /** The target's flush latency was not measured (probe skipped). */
  z.object({ code: z.literal('probe-skipped') }),
  /** The page cache was not dropped before runs. */
  z.object({ code: z.literal('cache-not-dropped') }),
  /** The image made few flushes under writethrough (measured) against the number assumed of a cloud image. */
  z.object({ code: z.literal('few-flushes'), flushes: int, assumed: int }),
  /** The runs vary widely: the interval's half-width share. */
  z.object({ code: z.literal('wide-interval'), halfWidth: num }),
]);

/** What the run says about the 2019 claim, for one case. */
export const VerdictSchema = z.object({
  caseId: str,
  /**
   * reproduced (>= 10x, interval above 1), smaller (clearly faster, < 10x), none (interval includes 1),
   * uncertain (no interval: fewer than 2 runs of a mode), not-measured (writethrough or writeback missing).
   */
  outcome: z.enum(['reproduced', 'smaller', 'none', 'uncertain', 'not-measured']),
  /** writeback speedup over writethrough (ratio of geometric means with its interval), or null. */
  speedup: RatioSchema.nullable(),
  /** Likely reasons when the figure differs from the 2019 one. */
  reasons: z.array(VerdictReasonSchema),
});

/** A candidate's time to durable against the fastest: ratio of geometric means, 95% Welch interval and p. */
export const MarginSchema = z.object({
  caseId: str,
  mode: str,
  /** Median time to durable, seconds. */
  median: num,
  ratio: num,
  ciLow: num.nullable(),
  ciHigh: num.nullable(),
  p: num.nullable(),
});

/** The projects whose rule the recommendation applies (their rules: model/project-rules.ts). */
export const PROJECTS = PROJECT_IDS;

/** What one project's rule runs on this host and target, and its cost against the fastest durable mode. */
export const ProjectChoiceSchema = z.object({
  project: z.enum(PROJECTS),
  /** command: the rule gives a command here; unknown: it depends on a fact not measured; not-applicable. */
  state: z.enum(['command', 'unknown', 'not-applicable']).default('command'),
  /** The target cache mode of its command (unsafe without -t), or null without a command. */
  mode: str.nullable(),
  /** Its qemu-img arguments with placeholders ({src}, {dst}, {srcFormat}, {outFormat}), or null. */
  argv: z.array(str).nullable().default(null),
  /**
   * Time to durable of the mode standing in for it / that of the fastest durable mode: the ratio of geometric means,
   * the same figure as the margin between those modes wherever it appears, or null.
   */
  costRatio: num.nullable(),
  /** The 95% Welch interval of costRatio, or null (the fastest mode itself, too few runs, or no variation). */
  costCiLow: num.nullable().default(null),
  costCiHigh: num.nullable().default(null),
  /** Its mode's output is durable when qemu-img returns (measured by the power-cut check, else by the mode). */
  durableAtReturn: z.boolean().nullable().default(null),
  /** The measured run standing in for the command: its case, the options only the command has, and only the run. */
  standIn: z
    .object({ caseId: str, projectOnly: z.array(str), runOnly: z.array(str) })
    .nullable()
    .default(null),
});

/** The facts of a case's target the project rules depend on. */
export const TargetFactsSchema = z.object({
  /** works: none was measured; refused: qemu-img refused none; unknown: none not measured. */
  odirect: z.enum(['works', 'refused', 'unknown']),
  kind: z.enum(['dir', 'device', 'loop']),
  /** The block device written, or null for a directory. */
  device: str.nullable(),
  fsType: str.nullable(),
  /** Whether the source image opens with O_DIRECT, or unknown (not measured). */
  sourceOdirect: z.enum(['works', 'refused', 'unknown']).default('unknown'),
  /** Under --memory-limit, whether a writeback run was OOM-killed; null without a limit or writeback runs. */
  writebackOomKilled: z.boolean().nullable().default(null),
  /** The formats converted from and to. */
  srcFormat: str.default('qcow2'),
  outFormat: str.default('raw'),
  /** Storage facts stated with --project-storage (PROJECT: VALUE). */
  stated: z.record(str, str).default({}),
});

/** "What to choose here" for one case. */
export const RecommendationSchema = z.object({
  caseId: str,
  /** The fastest mode whose data is durable when qemu-img returns, and its median time to durable. */
  fastest: str.nullable(),
  fastestDurable: num.nullable(),
  /** What calls the fastest durable: a simulated power cut at return (--durability-check), or the mode's name. */
  durableBasis: z.enum(['power-cut', 'mode']).nullable().default(null),
  /** The next durable mode against the fastest, or null. */
  runnerUp: MarginSchema.nullable(),
  /** True when the runner-up is clearly slower: its 95% interval lies above 1 (Welch p < 0.05). */
  clear: z.boolean(),
  target: TargetFactsSchema,
  projects: z.array(ProjectChoiceSchema),
});

/** Across the cases of a run (option sets, targets): the fastest durable (case, mode) and the others against it. */
export const OptionSetChoiceSchema = z.object({
  best: z.object({ caseId: str, mode: str, median: num }),
  next: MarginSchema.nullable(),
  clear: z.boolean(),
  otherSets: z.array(MarginSchema),
  candidates: int,
});

/** What a case's matrix value names: the qemu-img build, the target, the output format, -T, the convert options. */
export const CASE_DIMENSIONS = ['qemu-img', 'target', 'output format', 'source cache', 'options'] as const;

/**
 * Between two cases that differ in one dimension only: a mode's wall time in the other case against the baseline case
 * (the first of the matrix with that value), a ratio of geometric means with its 95% Welch interval.
 */
export const CaseDifferenceSchema = z.object({
  dimension: z.enum(CASE_DIMENSIONS),
  baselineCaseId: str,
  caseId: str,
  /** The dimension's value in each case: the build's version (and path when the versions match), the target, ... */
  baselineValue: str,
  value: str,
  mode: str,
  /** The other case's time / the baseline's: below 1 the other case is faster. */
  ratio: RatioSchema,
});

/** --as-projects: one project command as measured, against the fastest durable command of the same target. */
export const ProjectRunSchema = z.object({
  caseId: str,
  projects: z.array(z.enum(PROJECT_IDS)),
  /** Its target cache mode (unsafe without -t). */
  mode: str,
  /** Median wall time and time to durable, seconds (null: no successful run). */
  real: num.nullable(),
  durable: num.nullable(),
  /** True when the data is on stable storage when qemu-img returns (its mode flushes). */
  durableAtReturn: z.boolean(),
  /** What durableAtReturn rests on: a simulated power cut at return (--durability-check), or the mode's name. */
  durableBasis: z.enum(['power-cut', 'mode']).default('mode'),
  /** Median Dirty + Writeback when qemu-img exited, KiB. */
  dirtyAfterKiB: num.nullable(),
  /** Time to durable against the fastest durable command of its target (null for that one, or without runs). */
  margin: MarginSchema.nullable(),
});

/** A warning about one mode's figures. */
export type RunWarning = z.infer<typeof RunWarningSchema>;
/** Something not measured, and why. */
export type NotMeasured = z.infer<typeof NotMeasuredSchema>;
/** Why a flush audit has no counts. */
export type AuditFailure = z.infer<typeof AuditFailureSchema>;
/** How sampling ended. */
export type Sampling = z.infer<typeof SamplingSchema>;
/** One project command as measured (--as-projects). */
export type ProjectRun = z.infer<typeof ProjectRunSchema>;
/** A likely reason the speedup differs from 2019's. */
export type VerdictReason = z.infer<typeof VerdictReasonSchema>;
/** The verdict of one case. */
export type Verdict = z.infer<typeof VerdictSchema>;
/** A candidate against the fastest durable one. */
export type Margin = z.infer<typeof MarginSchema>;
/** A project's pick. */
export type ProjectChoice = z.infer<typeof ProjectChoiceSchema>;
/** A project id. */
export type Project = (typeof PROJECTS)[number];
/** The target facts project rules use. */
export type TargetFacts = z.infer<typeof TargetFactsSchema>;
/** "What to choose here" for one case. */
export type Recommendation = z.infer<typeof RecommendationSchema>;
/** The fastest durable pair across option sets. */
export type OptionSetChoice = z.infer<typeof OptionSetChoiceSchema>;
/** A ratio with its interval. */
export type Ratio = z.infer<typeof RatioSchema>;

export type CaseDifference = z.infer<typeof CaseDifferenceSchema>;

export type CaseDimension = (typeof CASE_DIMENSIONS)[number];
