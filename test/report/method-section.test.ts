// The method appendix's sentence on the discard wait, from the waits the runs recorded.
import { describe, expect, it } from 'vitest';
import type { Results, Sample } from '../../src/model/results.ts';
import { discardWaitText } from '../../src/report/method-section.ts';

const withWaits = (waits: (Sample['discardWait'] | undefined)[]) =>
  ({ samples: waits.map((discardWait) => ({ discardWait: discardWait ?? null })) }) as unknown as Results;

describe('discardWaitText', () => {
  it('gives the runs that waited, the median and longest wait, and those that hit the limit', () => {
    const results = withWaits([
      { seconds: 1.43, settled: true },
      null,
      { seconds: 0.12, settled: true },
      { seconds: 30.04, settled: false },
      { seconds: 0.57, settled: true },
    ]);
    // Median of 0.12, 0.57, 1.43, 30.04: (0.57 + 1.43) / 2 = 1.00.
    expect(discardWaitText(results)).toBe(
      " The target's file system discards a removed file's blocks after the commit (mounted with discard), so " +
        'before 4 runs the harness also waited until no discard had completed for 50 ms: median 1.00 s, longest ' +
        '30.04 s; 1 ended at the 30 s limit with discards still completing.',
    );
  });
  it('says nothing when no run waited (no discard after the commit, or a file older than the field)', () => {
    expect(discardWaitText(withWaits([null, undefined]))).toBe('');
    expect(discardWaitText(withWaits([]))).toBe('');
  });
  it('ends plainly when every wait settled', () => {
    expect(discardWaitText(withWaits([{ seconds: 0.25, settled: true }]))).toMatch(
      /before 1 run the harness .* median 0\.25 s, longest 0\.25 s\.$/,
    );
  });
});
