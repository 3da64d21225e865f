// Results files of schema 1 and 2 stored sentences where schema 3 stores facts: their shape is converted here, before
// validation. Sentences this tool wrote are mapped back to their codes; anything else is kept as recorded text. The
// summary, warnings, verdicts and recommendations of such files are computed again from their samples on read
// (commands/results-file.ts), so they need no conversion beyond emptying.
import { type FailureKind, failureKind } from './failure.ts';
import type { AuditFailure, NotMeasured } from './findings.ts';

type Json = Record<string, unknown>;

const NOT_MEASURED: [RegExp, (m: RegExpExecArray) => NotMeasured][] = [
  [/^cold-cache times: page cache dropping was turned off/, () => ({ code: 'cold-cache-off' })],
  [/^cold-cache times with an empty page cache: not root/, () => ({ code: 'cold-cache-not-root' })],
  [/^flush audit .*skipped with --no-flush-audit/, () => ({ code: 'flush-audit-skipped' })],
  [/^flush latency of the target storage: skipped/, () => ({ code: 'flush-probe-skipped' })],
  [
    /^flush counts: strace is not installed and the flush counter cannot be built \((.*)\)$/,
    (m) => ({ code: 'flush-counter-unavailable', error: m[1] ?? '' }),
  ],
];

/** A schema-2 "not measured" sentence as its code (unknown text kept as recorded text). */
export function notMeasuredOf(text: string): NotMeasured {
  for (const [pattern, make] of NOT_MEASURED) {
    const match = pattern.exec(text);
    if (match) return make(match);
  }
  return { code: 'recorded-text', text };
}

/** A schema-2 audit note as the failure it names, or null for a successful audit's note. */
export function auditFailureOf(note: unknown, ok: unknown): AuditFailure | null {
  if (ok === true || typeof note !== 'string') return null;
  if (note === 'strace is not installed') return { code: 'strace-missing' };
  if (/ptrace is not allowed/.test(note)) return { code: 'ptrace-denied' };
  const failed = /^flush (?:audit|count) run failed: (.*)$/.exec(note);
  if (failed) return { code: 'run-failed', error: failed[1] ?? '' };
  return { code: 'recorded-text', text: note };
}

/** The sampling figures a schema-2 reason sentence held. */
function samplingOf(sampling: unknown): unknown {
  if (typeof sampling !== 'object' || sampling === null) return sampling;
  const { reason, ...rest } = sampling as Json;
  const text = typeof reason === 'string' ? reason : '';
  const number = (pattern: RegExp) => {
    const m = pattern.exec(text);
    return m ? Number(m[1]) : null;
  };
  const target = /margin/.test(text) ? 'margin' : /speedup/.test(text) ? 'speedup' : null;
  return { ...rest, target, spentSeconds: number(/\((\d+) s spent\)/), roundSeconds: number(/about (\d+) s\)/) };
}

/** The failure kind of an older file's sample, judged from what it recorded. */
function failureOf(sample: Json): FailureKind | null {
  if (sample.state === 'ok') return null;
  const memory = sample.memory as { oomKilled?: unknown } | null | undefined;
  const message = `${String(sample.error ?? '')}\n${String(sample.stderrTail ?? '')}`;
  const signal = /^killed by (SIG\w+)/.exec(String(sample.error ?? ''))?.[1] ?? null;
  return failureKind({
    mode: String(sample.mode),
    timedOut: sample.state === 'timed-out',
    oomKilled: memory?.oomKilled === true,
    signal,
    message,
  });
}

const objects = (value: unknown): Json[] => (Array.isArray(value) ? (value as Json[]) : []);

/**
 * Older files did not say whether the target was the default one (results/ of the working directory): taken to be
 * when the only target is a folder named results, so an old report's rerun line leaves out a checkout's path.
 */
function configOf(config: unknown): unknown {
  if (typeof config !== 'object' || config === null) return config;
  const c = config as Json;
  const dirs = Array.isArray(c.targetDirs) ? (c.targetDirs as string[]) : [];
  const blocks = objects(c.targetDevices).length + objects(c.targetLoops).length;
  const only = dirs.length === 1 && blocks === 0 ? dirs[0] : undefined;
  const targetDirDefault = only?.endsWith('/results') === true;
  return { ...c, targetDirDefault };
}

/** A results object of schema 1 or 2 in schema 3's shape (still at its own schemaVersion, so readers upgrade it). */
export function fromLegacyShape(data: object): unknown {
  const d = data as Json;
  const summary = d.summary as Json | undefined;
  return {
    ...d,
    config: configOf(d.config),
    samples: objects(d.samples).map(({ ok: _ok, ...sample }) => ({ ...sample, failure: failureOf(sample) })),
    summary: summary && {
      ...summary,
      cases: objects(summary.cases).map((c) => ({
        ...c,
        modes: objects(c.modes).map((m) => ({ ...m, warnings: [] })),
      })),
    },
    flushAudit: objects(d.flushAudit).map(({ note, ...audit }) => ({
      ...audit,
      failure: auditFailureOf(note, audit.ok),
    })),
    flushProbe: objects(d.flushProbe).map(({ note: _note, ...probe }) => probe),
    sampling: samplingOf(d.sampling),
    notMeasured: Array.isArray(d.notMeasured) ? d.notMeasured.map((t) => notMeasuredOf(String(t))) : d.notMeasured,
    warnings: [],
  };
}
