// Memory rows of a memory-limited run: median and highest peak, highest dirty + writeback, OOM kills per case x mode.
import { describe, expect, it } from 'vitest';
import { memoryRows } from '../../src/analyze/memory.ts';
import type { Results, Sample } from '../../src/model/results.ts';

const MIB = 1024 ** 2;

function run(mode: string, peakMiB: number | null, dirtyMiB: number, oom: boolean, warmup = false): Partial<Sample> {
  const memory = {
    limitBytes: 64 * MIB,
    peakBytes: peakMiB === null ? null : peakMiB * MIB,
    peakDirtyBytes: dirtyMiB * MIB,
    oomKilled: oom,
    cgroup: 'v1' as const,
  };
  return { caseId: 'default', mode, warmup, memory };
}

describe('memoryRows', () => {
  it('summarises each mode with memory figures, warm-ups left out, modes without figures skipped', () => {
    const samples = [
      run('writeback', 60, 20, false),
      run('writeback', 64, 30, true),
      run('writeback', 62, 25, false),
      run('writeback', 10, 99, true, true),
      run('none', null, 0.5, false),
      { caseId: 'default', mode: 'unsafe', warmup: false, memory: null },
    ];
    const results = {
      samples,
      summary: {
        baseline: null,
        cases: [{ caseId: 'default', modes: [{ mode: 'writeback' }, { mode: 'none' }, { mode: 'unsafe' }] }],
      },
    } as unknown as Results;
    expect(memoryRows(results)).toEqual([
      {
        caseId: 'default',
        mode: 'writeback',
        runs: 3,
        peakMedian: 62 * MIB,
        peakMax: 64 * MIB,
        dirtyMax: 30 * MIB,
        oomKills: 1,
      },
      { caseId: 'default', mode: 'none', runs: 1, peakMedian: null, peakMax: null, dirtyMax: 0.5 * MIB, oomKills: 0 },
    ]);
  });
});
