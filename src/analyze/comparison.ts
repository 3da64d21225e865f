// Comparison of several runs (pure): align cases and modes; the change against the first input as a ratio of
// geometric means with its Welch interval and p (a change is significant exactly when the interval excludes 1); the
// Mann-Whitney p beside it as a robustness check; every differing fact listed.
import {
  COMPARE_SCHEMA_VERSION,
  type CompareCell,
  type CompareRow,
  type CompareWarning,
  type Comparison,
  type ComparisonKind,
  type FactDifference,
} from '../model/comparison.ts';

export type { CompareCell, CompareRow, Comparison, FactDifference };

import { distinct } from '../model/lists.ts';
import { measuredRuns, probeFigure, type Results } from '../model/results.ts';
import { formatBytes } from '../model/units.ts';
import { ALPHA, geometricMeanInterval, isSignificant, mannWhitney, RATIO_METHOD, ratioInterval } from './stats.ts';

/** One input of a comparison. */
export interface CompareInput {
  /** Short label (folder name, or host). */
  label: string;
  /** Where it was read from. */
  path: string;
  results: Results;
}

/** Facts that make two runs come from different machines. */
const HOST_FACTS = ['hostname', 'CPU model', 'CPU count', 'memory', 'kernel', 'distribution'];

function real(results: Results, caseId: string, mode: string): number[] {
  return measuredRuns(results, caseId, mode).map((s) => s.real);
}

function eachCase(results: Results, value: (c: Results['cases'][number]) => string | null): string {
  return distinct(results.cases.map((c) => value(c) ?? '-')).join('/');
}

/** The guest data an input converted: its content id, or its file's sha256 when the content was not taken. */
function contentText(r: Results): string {
  return r.image.content ? r.image.content.id.slice(0, 32) : `file sha256 ${r.image.sha256.slice(0, 16)}`;
}

/**
 * When the image files differ but hold the same guest data (other qemu-img or zlib builds compress differently).
 */
export function sameContentNote(inputs: readonly CompareInput[]): CompareWarning | null {
  const files = distinct(inputs.map((i) => i.results.image.sha256));
  const contents = distinct(inputs.map((i) => i.results.image.content?.id ?? null));
  if (files.length < 2 || contents.length !== 1 || contents[0] === null) return null;
  const each = inputs.map((i) => ({ label: i.label, value: i.results.image.sha256 }));
  return { code: 'same-content-different-files', files: each, content: contents[0] as string };
}

/** The facts of a run a comparison must show when they differ. */
export function runFacts(r: Results): [string, string][] {
  const probe = probeFigure(r.flushProbe[0])?.medianMs;
  const adaptive = r.config.adaptive;
  return [
    ['hostname', r.host.hostname],
    ['CPU model', r.host.cpuModel],
    ['CPU count', String(r.host.cpuCount)],
    ['memory', formatBytes(r.host.memoryBytes)],
    ['kernel', r.host.kernel],
    ['distribution', r.host.distro ?? r.host.os],
    ['qemu-img version', eachCase(r, (c) => c.qemuImgVersion)],
    ['image content', contentText(r)],
    ['target file system', eachCase(r, (c) => c.storage.fsType)],
    ['mount options', eachCase(r, (c) => c.storage.mountOptions)],
    ['block device', eachCase(r, (c) => c.storage.blockDevice)],
    ['I/O scheduler', eachCase(r, (c) => c.storage.scheduler)],
    ['flush latency (probe)', probe === undefined ? 'not measured' : `${probe.toFixed(2)} ms`],
    [
      'emulated flush latency',
      r.config.emulateFlushLatencyMs === null ? 'none' : `${r.config.emulateFlushLatencyMs} ms`,
    ],
    ['page cache', distinct(r.samples.map((s) => s.cacheDrop)).join('/') || '-'],
    ['runs', adaptive ? `${r.sampling?.rounds ?? '?'} (to ${adaptive.precision * 100}%)` : String(r.config.runs)],
  ];
}

/** Every fact whose value differs between inputs (the flush latency only when it differs by more than 2x). */
export function factDifferences(inputs: readonly CompareInput[]): FactDifference[] {
  const table = inputs.map((i) => runFacts(i.results));
  const names = table[0]?.map(([name]) => name) ?? [];
  return names.flatMap((fact, index) => {
    const values = table.map((facts) => facts[index]?.[1] ?? '-');
    if (distinct(values).length < 2) return [];
    if (fact === 'flush latency (probe)' && !latenciesDiffer(values)) return [];
    if (fact === 'image content' && sameImageFile(inputs)) return []; // one file holds one content (schema-1 inputs)
    return [{ fact, values }];
  });
}

/** True when every input converted the same image file (equal sha256), whether or not its content was taken. */
function sameImageFile(inputs: readonly CompareInput[]): boolean {
  return distinct(inputs.map((i) => i.results.image.sha256)).length === 1;
}

function latenciesDiffer(values: string[]): boolean {
  const ms = values.map((v) => Number.parseFloat(v));
  if (ms.some((v) => !Number.isFinite(v) || v <= 0)) return true;
  return Math.max(...ms) / Math.min(...ms) > 2;
}

/** An A/B test changes one thing; different hosts make a host comparison; otherwise several things changed. */
export function comparisonKind(differences: readonly FactDifference[]): ComparisonKind {
  if (differences.length === 0) return 'same-setup';
  if (differences.some((d) => HOST_FACTS.includes(d.fact))) return 'host-comparison';
  return differences.length === 1 ? 'ab-test' : 'several-changes';
}

/** What a reader must see first: the kind of comparison, what differs, incomplete inputs, same content. */
export function fairnessWarnings(
  inputs: readonly CompareInput[],
  differences: readonly FactDifference[],
): CompareWarning[] {
  const kind = comparisonKind(differences);
  const warnings: CompareWarning[] = [];
  if (kind === 'host-comparison') warnings.push({ code: 'different-hosts' });
  else if (kind === 'several-changes') warnings.push({ code: 'several-changes', facts: differences.length });
  for (const d of differences) {
    const values = d.values.map((value, i) => ({ label: inputs[i]?.label ?? '', value }));
    warnings.push({ code: 'fact-differs', fact: d.fact, values });
  }
  for (const i of inputs) if (!i.results.complete) warnings.push({ code: 'incomplete-input', label: i.label });
  const note = sameContentNote(inputs);
  if (note) warnings.push(note);
  return warnings;
}

function compareCell(input: CompareInput, reference: number[], caseId: string, mode: string): CompareCell {
  const values = real(input.results, caseId, mode);
  const summary = input.results.summary.cases.find((x) => x.caseId === caseId)?.modes.find((x) => x.mode === mode);
  const change = ratioInterval(values, reference);
  const rank = mannWhitney(values, reference);
  return {
    label: input.label,
    real: summary?.real ?? null,
    geometric: geometricMeanInterval(values),
    change,
    p: change?.p ?? null,
    significant: isSignificant(change),
    rankP: rank?.p ?? null,
    rankExact: rank?.exact ?? null,
  };
}

function inputSummary(i: CompareInput): Comparison['inputs'][number] {
  const first = i.results.summary.cases[0];
  const mode = (name: string) => first?.modes.find((m) => m.mode === name);
  return {
    label: i.label,
    path: i.path,
    host: i.results.host.hostname,
    qemuImg: i.results.cases.map((c) => c.qemuImgVersion).join('/'),
    fsType: i.results.cases.map((c) => c.storage.fsType ?? '?').join('/'),
    emulatedMs: i.results.config.emulateFlushLatencyMs,
    flushMs: probeFigure(i.results.flushProbe[0])?.medianMs ?? null,
    speedup: mode('writeback')?.speedup ?? null,
    writethrough: mode('writethrough')?.real?.median ?? null,
    writeback: mode('writeback')?.real?.median ?? null,
    sha256: i.results.image.sha256,
    context: contextOf(i.results),
  };
}

/** Where an input was measured: its host, its first case's target, its image. */
function contextOf(r: Results): Comparison['inputs'][number]['context'] {
  const c = r.cases[0];
  if (!c) return null;
  return {
    host: r.host,
    targetKind: c.targetKind,
    targetDir: c.targetDir,
    storage: c.storage,
    builtinImageBytes: r.config.image.kind === 'default' ? r.image.virtualSize : null,
    imageName: r.image.path.split('/').pop() ?? r.image.path,
  };
}

/** How the comparison decides, for its report. */
export const COMPARE_METHOD =
  `change = this input's time / the first input's, as a ${RATIO_METHOD}: a change is significant exactly when its ` +
  `95% interval excludes 1, which is when the Welch p < ${ALPHA}. ` +
  'rank p: the two-sided Mann-Whitney U test on the same runs (exact up to 3 million splits of the pooled runs, ' +
  'else the normal approximation), shown as a robustness check and never the decider: with 3 runs per side it ' +
  'cannot go below 0.1.';

/** Compares every input with the first (the reference), case by case and mode by mode. */
export function compareRuns(inputs: readonly CompareInput[]): Comparison {
  const [reference] = inputs;
  const differences = factDifferences(inputs);
  const kind = comparisonKind(differences);
  const empty = {
    schemaVersion: COMPARE_SCHEMA_VERSION,
    inputs: [],
    rows: [],
    differences,
    kind,
    warnings: [],
    method: '',
  };
  if (!reference) return empty;
  const rows: CompareRow[] = [];
  for (const c of reference.results.summary.cases) {
    for (const m of c.modes) {
      const base = real(reference.results, c.caseId, m.mode);
      const cells = inputs.map((input, index) => {
        if (index > 0) return compareCell(input, base, c.caseId, m.mode);
        return {
          label: input.label,
          real: m.real,
          geometric: geometricMeanInterval(base),
          change: null,
          p: null,
          significant: false,
          rankP: null,
          rankExact: null,
        };
      });
      rows.push({ caseId: c.caseId, mode: m.mode, cells });
    }
  }
  const warnings = fairnessWarnings(inputs, differences);
  return { ...empty, inputs: inputs.map(inputSummary), rows, warnings, method: COMPARE_METHOD };
}
