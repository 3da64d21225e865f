// What compare.json holds besides figures: its schema version, the kind of comparison and its warnings, as codes
// with their facts (worded only in report/compare-report.ts).

/** The schema compare.json is written with. */
export const COMPARE_SCHEMA_VERSION = 1;

/** An A/B test changes one thing; different hosts make a host comparison; otherwise several things changed. */
export type ComparisonKind = 'same-setup' | 'ab-test' | 'host-comparison' | 'several-changes';

/** One input's value of a fact. */
export interface LabelledValue {
  label: string;
  value: string;
}

/** What makes a comparison unfair or needs saying first, as a code with its facts. */
export type CompareWarning =
  /** The inputs come from different hosts. */
  | { code: 'different-hosts' }
  /** More than one fact differs: no difference can be put down to one of them. */
  | { code: 'several-changes'; facts: number }
  /** One recorded fact differs between the inputs. */
  | { code: 'fact-differs'; fact: string; values: LabelledValue[] }
  /** An input is an interrupted run (complete: false). */
  | { code: 'incomplete-input'; label: string }
  /** The image files differ (sha256 per input) but hold the same guest data (content id). */
  | { code: 'same-content-different-files'; files: LabelledValue[]; content: string };
