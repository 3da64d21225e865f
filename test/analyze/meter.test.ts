// The flush meter's figures over a mode's runs, and writethrough's flush count from the audit or, without one, from
// the meter in the timed runs.
import { describe, expect, it } from 'vitest';
import { meterMedians, writethroughFlushes } from '../../src/analyze/meter.ts';
import type { FlushAudit, Results, Sample } from '../../src/model/results.ts';

const flushes = (calls: number, waitSeconds: number) => ({
  calls,
  waitSeconds,
  inFlightSeconds: waitSeconds,
  medianMs: 0.5,
  p99Ms: 2,
  writeCalls: calls + 1,
  writeBytes: calls * 1000 + waitSeconds,
  unflushedBytes: 0,
});
const sample = (mode: string, real: number, f: Sample['flushes'], warmup = false) =>
  ({ caseId: 'default', mode, state: 'ok', warmup, real, flushes: f }) as Sample;

function results(samples: Sample[], audit: Partial<FlushAudit>[] = []): Results {
  return { samples, flushAudit: audit } as unknown as Results;
}

describe('meterMedians', () => {
  it('takes the median of each figure over the measured runs, warm-ups and unmetered runs left out', () => {
    const r = results([
      sample('writethrough', 13, flushes(14292, 9)),
      sample('writethrough', 15, flushes(14292, 11)),
      sample('writethrough', 14, flushes(14292, 10)),
      sample('writethrough', 99, flushes(1, 99), true),
      sample('writethrough', 50, null),
    ]);
    expect(meterMedians(r, 'default', 'writethrough')).toEqual({
      runs: 3,
      real: 14,
      wait: 10,
      calls: 14292,
      medianMs: 0.5,
      p99Ms: 2,
      writeCalls: 14293,
      writeBytes: 14_292_010,
      unflushed: 0,
      inFlightShare: 10 / 14, // 9/13, 11/15, 10/14: the middle share, the run of 14 s
    });
    expect(meterMedians(r, 'default', 'writeback')).toBeNull();
  });
});

describe('writethroughFlushes', () => {
  it("is the audit's count when it has one, else the meter's, else null", () => {
    const metered = [sample('writethrough', 13, flushes(14292, 9))];
    const audit = { caseId: 'default', mode: 'writethrough', ok: true, fdatasync: 14000, fsync: 1 };
    expect(writethroughFlushes(results(metered, [audit]), 'default')).toBe(14001);
    expect(writethroughFlushes(results(metered), 'default')).toBe(14292);
    expect(writethroughFlushes(results([sample('writethrough', 13, flushes(0, 0))]), 'default')).toBeNull();
    expect(writethroughFlushes(results([]), 'default')).toBeNull();
  });
  it('is a whole count when the runs differ by one (median of 3 and 4 is 3.5: rounded to 4, as the schema needs)', () => {
    const runs = [sample('writethrough', 1, flushes(3, 1)), sample('writethrough', 1.1, flushes(4, 1))];
    expect(writethroughFlushes(results(runs), 'default')).toBe(4);
  });
});
