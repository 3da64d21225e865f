// The versioned results file: its zod schema, the types inferred from it, and the loader every renderer reads through.
import { readFileSync, statSync } from 'node:fs';
import { z } from 'zod';
import { UserError } from '../cli/errors.ts';

/** Version of results.json written by this build; loaders refuse newer ones. */
export const SCHEMA_VERSION = 1;
/** Largest results file the loader reads (a real one is well under 10 MiB). */
export const MAX_RESULTS_BYTES = 64 * 1024 * 1024;

const num = z.number();
const nullableNum = z.number().nullable();

/** Descriptive statistics of one metric over the measured runs of one mode (seconds unless named). */
export const StatSchema = z.object({
  n: z.number().int(),
  mean: num,
  median: num,
  sd: num,
  min: num,
  max: num,
  ciLow: num,
  ciHigh: num,
});

/** A ratio with its confidence interval. */
export const RatioSchema = z.object({ ratio: num, ciLow: num, ciHigh: num, method: z.string() });

/** One measured (or failed) conversion. */
export const SampleSchema = z.object({
  caseId: z.string(),
  mode: z.string(),
  run: z.number().int(),
  round: z.number().int(),
  warmup: z.boolean(),
  ok: z.boolean(),
  state: z.enum(['ok', 'failed', 'timed-out', 'interrupted']),
  real: num,
  user: num,
  sys: num,
  sync: num,
  durable: num,
  exitCode: nullableNum,
  error: z.string().nullable(),
  stderrTail: z.string().nullable().default(null),
  outputBytes: nullableNum,
  dirtyAfterKiB: nullableNum,
  cacheDrop: z.string(),
  startedAt: z.string(),
  verified: z.boolean().nullable().default(null),
});

/** Per-mode summary inside one case. */
export const ModeSummarySchema = z.object({
  mode: z.string(),
  state: z.enum(['measured', 'unsupported', 'not-run']),
  runs: z.number().int(),
  failed: z.number().int(),
  error: z.string().nullable(),
  real: StatSchema.nullable(),
  user: StatSchema.nullable(),
  sys: StatSchema.nullable(),
  sync: StatSchema.nullable(),
  durable: StatSchema.nullable(),
  wait: StatSchema.nullable(),
  dirtyAfterKiB: StatSchema.nullable(),
  speedup: RatioSchema.nullable(),
  durableSpeedup: RatioSchema.nullable(),
  outliers: z.array(z.number().int()),
  warnings: z.array(z.string()),
});

/** One case of the matrix (qemu-img build x target dir x output format x source cache). */
export const CaseSchema = z.object({
  id: z.string(),
  qemuImg: z.string(),
  qemuImgVersion: z.string(),
  targetDir: z.string(),
  outputFormat: z.string(),
  srcCache: z.string().nullable(),
  storage: z.record(z.string(), z.unknown()),
});

/** The summary of every case. */
export const SummarySchema = z.object({
  baseline: z.string(),
  cases: z.array(z.object({ caseId: z.string(), modes: z.array(ModeSummarySchema) })),
});

/** Flush audit of one mode: system calls qemu-img made on the target. */
export const FlushAuditSchema = z.object({
  caseId: z.string(),
  mode: z.string(),
  ok: z.boolean(),
  writes: nullableNum,
  fsync: nullableNum,
  fdatasync: nullableNum,
  syncFileRange: nullableNum,
  openFlags: z.array(z.string()),
  note: z.string().nullable(),
});

/** Flush-latency probe of a target dir. */
export const FlushProbeSchema = z.object({
  caseId: z.string(),
  targetDir: z.string(),
  tool: z.string(),
  small: z.object({ bytes: num, medianMs: num, p99Ms: num, count: z.number().int() }).nullable(),
  large: z.object({ bytes: num, medianMs: num, p99Ms: num, count: z.number().int() }).nullable(),
  emulatedMs: nullableNum,
  note: z.string().nullable(),
});

/** The whole results file. */
export const ResultsSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.object({ name: z.string(), version: z.string() }),
  kind: z.enum(['bench', 'sweep-point']).default('bench'),
  complete: z.boolean(),
  /** "EMULATED FLUSH LATENCY N ms" when flushes were delayed, so no reader of the JSON can miss it; null otherwise. */
  emulation: z.string().nullable().default(null),
  startedAt: z.string(),
  finishedAt: z.string().nullable(),
  config: z.record(z.string(), z.unknown()).and(
    z.object({
      modes: z.array(z.string()),
      runs: z.number().int(),
      warmup: z.number().int(),
      baseline: z.string(),
      seed: z.number(),
      emulateFlushLatencyMs: nullableNum,
    }),
  ),
  host: z.record(z.string(), z.unknown()),
  image: z.record(z.string(), z.unknown()).and(
    z.object({ path: z.string(), format: z.string(), virtualSize: num, actualSize: num, sha256: z.string() }),
  ),
  cases: z.array(CaseSchema),
  samples: z.array(SampleSchema),
  summary: SummarySchema,
  flushAudit: z.array(FlushAuditSchema),
  flushProbe: z.array(FlushProbeSchema),
  notMeasured: z.array(z.string()),
  warnings: z.array(z.string()),
});

/** Descriptive statistics of one metric. */
export type Stat = z.infer<typeof StatSchema>;
/** A ratio with CI. */
export type Ratio = z.infer<typeof RatioSchema>;
/** One run's raw measurement. */
export type Sample = z.infer<typeof SampleSchema>;
/** Per-mode summary. */
export type ModeSummary = z.infer<typeof ModeSummarySchema>;
/** One case of the matrix. */
export type BenchCase = z.infer<typeof CaseSchema>;
/** Summary of all cases. */
export type Summary = z.infer<typeof SummarySchema>;
/** Flush audit row. */
export type FlushAudit = z.infer<typeof FlushAuditSchema>;
/** Flush-latency probe row. */
export type FlushProbe = z.infer<typeof FlushProbeSchema>;
/** The versioned results object every renderer takes. */
export type Results = z.infer<typeof ResultsSchema>;

/** Checks an already-parsed object; throws UserError naming the first problem. */
export function parseResults(data: unknown, source = 'input'): Results {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new UserError(`${source} is not a qemu-cache-bench results file (expected a JSON object); pass the results.json of a bench run`);
  }
  const version = (data as Record<string, unknown>).schemaVersion;
  if (typeof version !== 'number') {
    throw new UserError(`${source} is not a qemu-cache-bench results file (no schemaVersion); pass the results.json of a bench run`);
  }
  if (version > SCHEMA_VERSION) {
    throw new UserError(`${source} has schemaVersion ${version}, newer than this tool's ${SCHEMA_VERSION}; upgrade qemu-cache-bench to read it`);
  }
  const parsed = ResultsSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(top level)';
    throw new UserError(`${source} is not a valid results file: ${where}: ${issue?.message ?? 'invalid'}; re-run the bench or pass another file`);
  }
  return parsed.data;
}

/** Reads and validates a results.json; any problem is a one-line UserError. */
export function loadResults(path: string): Results {
  let size: number;
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) throw new UserError(`${path} is a directory; pass the results.json inside it`);
    size = stat.size;
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw new UserError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}; pass the path of a results.json`);
  }
  if (size > MAX_RESULTS_BYTES) throw new UserError(`${path} is ${size} bytes, too large for a results file; pass the results.json of a bench run`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UserError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? 'error'}; check its permissions`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new UserError(`${path} is not JSON; pass the results.json of a bench run`);
  }
  return parseResults(data, path);
}
