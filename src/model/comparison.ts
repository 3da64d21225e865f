// What compare.json holds besides figures: its schema version, the kind of comparison and its warnings, as codes
// with their facts (worded only in report/compare-report.ts).

import { z } from 'zod';
import { RatioSchema } from './findings.ts';
import { HostFactsSchema, StatSchema, StorageFactsSchema } from './results.ts';

/** The schema compare.json is written with. */
export const COMPARE_SCHEMA_VERSION = 1 as const;

/** An A/B test changes one thing; different hosts make a host comparison; otherwise several things changed. */
export const ComparisonKindSchema = z.enum(['same-setup', 'ab-test', 'host-comparison', 'several-changes']);
export type ComparisonKind = z.infer<typeof ComparisonKindSchema>;

/** One input's value of a fact. */
export const LabelledValueSchema = z.object({ label: z.string(), value: z.string() });
export type LabelledValue = z.infer<typeof LabelledValueSchema>;

/** What makes a comparison unfair or needs saying first, as a code with its facts. */
export const CompareWarningSchema = z.discriminatedUnion('code', [
  /** The inputs come from different hosts. */
  z.object({ code: z.literal('different-hosts') }),
  /** More than one fact differs: no difference can be put down to one of them. */
  z.object({ code: z.literal('several-changes'), facts: z.number() }),
  /** One recorded fact differs between the inputs. */
  z.object({ code: z.literal('fact-differs'), fact: z.string(), values: z.array(LabelledValueSchema) }),
  /** An input is an interrupted run (complete: false). */
  z.object({ code: z.literal('incomplete-input'), label: z.string() }),
  /** The image files differ (sha256 per input) but hold the same guest data (content id). */
  z.object({
    code: z.literal('same-content-different-files'),
    files: z.array(LabelledValueSchema),
    content: z.string(),
  }),
]);
export type CompareWarning = z.infer<typeof CompareWarningSchema>;

/** One side's figure in an aligned row. */
export const CompareCellSchema = z.object({
  label: z.string(),
  real: StatSchema.nullable(),
  /** The geometric mean of the wall times with its 95% t interval (what the chart's bars and whiskers show). */
  geometric: z
    .object({ mean: z.number(), ciLow: z.number().nullable(), ciHigh: z.number().nullable() })
    .nullable()
    .default(null),
  /** Relative change against the reference input: this / reference, ratio of geometric means with its interval. */
  change: RatioSchema.nullable(),
  /** The Welch test's two-sided p against the reference (the same test as the interval), or null without one. */
  p: z.number().nullable(),
  /** Exactly when the change's 95% interval excludes 1 (p < 0.05). */
  significant: z.boolean(),
  /** Mann-Whitney U test's two-sided p (a robustness check, not the decider), and whether it is exact. */
  rankP: z.number().nullable(),
  rankExact: z.boolean().nullable(),
});
export type CompareCell = z.infer<typeof CompareCellSchema>;

/** A case x mode present in the reference, with each input's figure. */
export const CompareRowSchema = z.object({ caseId: z.string(), mode: z.string(), cells: z.array(CompareCellSchema) });
export type CompareRow = z.infer<typeof CompareRowSchema>;

/** One fact of an input's run, as the comparison lists it: the value per input, in input order. */
export const FactDifferenceSchema = z.object({ fact: z.string(), values: z.array(z.string()) });
export type FactDifference = z.infer<typeof FactDifferenceSchema>;

/** The whole comparison (compare.json). */
export const ComparisonSchema = z.object({
  /** The schema compare.json is written with (COMPARE_SCHEMA_VERSION). */
  schemaVersion: z.literal(COMPARE_SCHEMA_VERSION),
  inputs: z.array(
    z.object({
      label: z.string(),
      path: z.string(),
      host: z.string(),
      qemuImg: z.string(),
      fsType: z.string(),
      emulatedMs: z.number().nullable(),
      flushMs: z.number().nullable(),
      speedup: RatioSchema.nullable(),
      writethrough: z.number().nullable(),
      writeback: z.number().nullable(),
      sha256: z.string(),
      /** Where the input was measured (its first case), for the headline; null in files written before it. */
      context: z
        .object({
          host: HostFactsSchema,
          targetKind: z.enum(['dir', 'device', 'loop']),
          targetDir: z.string(),
          storage: StorageFactsSchema,
          /** The built-in image's virtual size, bytes, or null for the user's image (named by imageName). */
          builtinImageBytes: z.number().nullable(),
          imageName: z.string(),
        })
        .nullable()
        .default(null),
    }),
  ),
  rows: z.array(CompareRowSchema),
  /** Every fact whose value differs between the inputs. */
  differences: z.array(FactDifferenceSchema),
  kind: ComparisonKindSchema,
  /** What makes the comparison unfair or needs saying first, as codes (worded in report/). */
  warnings: z.array(CompareWarningSchema),
  /** How change and significance are decided. */
  method: z.string(),
});
export type Comparison = z.infer<typeof ComparisonSchema>;
