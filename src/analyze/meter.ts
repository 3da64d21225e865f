// The flush meter's figures of a case and mode over its measured runs (pure).
import { median as medianOf } from '../model/quantile.ts';
import { flushesOf, measuredRuns, type Results } from '../model/results.ts';

/** The flush meter's figures of a case and mode: medians over the measured runs, or null when it saw no run. */
export function meterMedians(results: Results, caseId: string, mode: string) {
  const runs = measuredRuns(results, caseId, mode);
  const metered = runs.flatMap((s) => (s.flushes ? [{ ...s.flushes, real: s.real }] : []));
  if (!metered.length) return null;
  const median = (f: (m: (typeof metered)[number]) => number) => medianOf(metered.map(f));
  return {
    runs: metered.length,
    real: median((m) => m.real),
    wait: median((m) => m.waitSeconds),
    calls: median((m) => m.calls),
    medianMs: median((m) => m.medianMs),
    p99Ms: median((m) => m.p99Ms),
    writeCalls: median((m) => m.writeCalls),
    writeBytes: median((m) => m.writeBytes),
    unflushed: median((m) => m.unflushedBytes),
    /** Share of the wall time with a flush in flight. */
    inFlightShare: median((m) => m.inFlightSeconds / m.real),
  };
}

/**
 * A mode's flush count per conversion in a case: the audit's (strace or the counter) when it has one, else the flush
 * meter's from the timed runs (the median over them, rounded to a whole flush), else null.
 */
export function flushCount(results: Results, caseId: string, mode: string): number | null {
  const audit = results.flushAudit.find((a) => a.caseId === caseId && a.mode === mode && a.ok);
  const audited = flushesOf(audit);
  if (audited !== null) return audited;
  const metered = meterMedians(results, caseId, mode);
  // A count: the median of an even number of runs can fall between two (3 and 4 give 3.5); results.json holds whole
  // flushes (the schema refuses 3.5, which made a saved results.json unreadable), so it is rounded half up.
  return metered ? Math.round(metered.calls) : null;
}

/** Writethrough's flush count in a case ({@link flushCount}), or null where it made none or none was counted. */
export function writethroughFlushes(results: Results, caseId: string): number | null {
  const count = flushCount(results, caseId, 'writethrough');
  return count !== null && count > 0 ? count : null;
}
