// Durable when qemu-img returns: by the power-cut check when the run has one, else by the mode's name; the
// recommendation follows it.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { durableAtReturn, unflushedPerRun } from '../../src/analyze/durability.ts';
import { recommendations } from '../../src/analyze/recommendation.ts';
import { readResults } from '../../src/commands/results-file.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const withCheck = () => readResults(join(ROOT, 'results', 'example-durability', 'results.json'));

describe('durableAtReturn and the recommendation', () => {
  it('takes the power-cut check of the committed run: writeback intact, unsafe lost, basis power-cut', () => {
    const results = withCheck();
    expect(durableAtReturn(results, 'default', 'writeback')).toEqual({ durable: true, basis: 'power-cut' });
    expect(durableAtReturn(results, 'default', 'unsafe')).toEqual({ durable: false, basis: 'power-cut' });
    const [r] = recommendations(results);
    expect([r?.fastest, r?.durableBasis]).toEqual(['writeback', 'power-cut']);
  });

  it('a mode the check found lost is not recommended, whatever its name', () => {
    const results = withCheck();
    const writeback = results.durability.find((d) => d.mode === 'writeback');
    if (writeback) Object.assign(writeback, { atReturn: 'lost', differingBytes: 4096, firstDifferenceOffset: 0 });
    expect(durableAtReturn(results, 'default', 'writeback')).toEqual({ durable: false, basis: 'power-cut' });
    expect(recommendations(results)[0]?.fastest).toBe('none');
  });

  it('without a check it goes by the mode, and says so', () => {
    const results = readResults(join(ROOT, 'results', 'example', 'results.json'));
    expect(durableAtReturn(results, 'default', 'writeback')).toEqual({ durable: true, basis: 'mode' });
    expect(durableAtReturn(results, 'default', 'unsafe')).toEqual({ durable: false, basis: 'mode' });
    expect(recommendations(results)[0]?.durableBasis).toBe('mode');
  });

  it('lists the meter’s unflushed bytes of every measured run in run order', () => {
    const results = withCheck();
    expect(unflushedPerRun(results, 'default', 'writeback')).toEqual([0, 0, 0, 0]);
    const unsafe = results.samples.filter((s) => s.mode === 'unsafe' && s.state === 'ok' && !s.warmup);
    expect(unflushedPerRun(results, 'default', 'unsafe')).toEqual(
      unsafe.sort((a, b) => a.run - b.run).map((s) => s.flushes?.unflushedBytes),
    );
  });
});
