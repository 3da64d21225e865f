// "What to choose here" on fixtures: none fastest, writeback fastest, and O_DIRECT refused by the target.
import { describe, expect, it } from 'vitest';
import { recommendations, recommendationText } from '../../src/analyze/recommendation.ts';
import { summarize } from '../../src/analyze/summary.ts';
import type { Results, Sample } from '../../src/model/results.ts';

function sample(mode: string, run: number, durable: number, ok = true): Sample {
  return {
    caseId: 'default',
    mode,
    run,
    round: run,
    warmup: false,
    ok,
    state: ok ? 'ok' : 'failed',
    real: durable,
    user: 1,
    sys: 1,
    sync: 0,
    durable,
    exitCode: ok ? 0 : 1,
    error: ok ? null : "Could not open 'x': Invalid argument",
    stderrTail: null,
    outputBytes: 1e9,
    dirtyAfterKiB: 0,
    cacheDrop: 'drop_caches',
    startedAt: '',
    verified: null,
    argv: null,
    memory: null,
  };
}

function results(times: Record<string, number[]>, fsType = 'ext4', failedNone = false): Results {
  const samples = Object.entries(times).flatMap(([mode, ds]) => ds.map((d, i) => sample(mode, i + 1, d)));
  if (failedNone) samples.push(sample('none', 1, 0, false), sample('none', 2, 0, false));
  const modes = [...Object.keys(times), ...(failedNone ? ['none'] : [])];
  const storage = {
    path: '/t',
    mountPoint: '/',
    fsType,
    mountOptions: null,
    source: null,
    blockDevice: null,
    rotational: null,
    scheduler: null,
    model: null,
  };
  return {
    cases: [{ id: 'default', storage }],
    samples,
    summary: summarize(samples, ['default'], modes, 'writethrough'),
  } as unknown as Results;
}

describe('recommendations', () => {
  it('names none when it is fastest to durable, clearly against writeback with 4 disjoint runs a side', () => {
    const [r] = recommendations(
      results({
        writethrough: [20, 21, 22, 23],
        writeback: [10, 11, 12, 13],
        none: [6, 6.5, 7, 7.5],
        unsafe: [4, 4, 4, 4],
      }),
    );
    expect(r?.fastest).toBe('none');
    expect(r?.runnerUp?.mode).toBe('writeback');
    expect(r?.runnerUp?.p).toBeCloseTo(2 / 70, 12);
    expect(r?.clear).toBe(true);
    expect(r?.projects.map((p) => [p.project, p.mode])).toEqual([
      ['OpenStack Nova', 'none'],
      ['OpenStack Cinder', 'unsafe'],
      ['oVirt/vdsm', 'none'],
      ['KubeVirt CDI', 'none'],
      ['Proxmox VE', 'unsafe'],
    ]);
    // unsafe is faster here but never recommended: it is not durable when qemu-img returns.
    expect(recommendationText(r as NonNullable<typeof r>)).toMatch(/^none: the fastest mode whose data is durable/);
  });
  it('names writeback when it is fastest; the rules that pick none then cost their measured ratio', () => {
    const [r] = recommendations(results({ writethrough: [20, 21, 22], writeback: [5, 5.2, 5.4], none: [8, 8, 8] }));
    expect(r?.fastest).toBe('writeback');
    expect(r?.clear).toBe(false); // 3 runs a side: p cannot go below 0.1
    const vdsm = r?.projects.find((p) => p.project === 'oVirt/vdsm');
    expect(vdsm?.costRatio).toBeCloseTo(8 / 5.2, 12); // median durable of none / median of writeback
  });
  it('falls back as Nova does when O_DIRECT is refused by the target (none unsupported), and Proxmox picks none on ZFS', () => {
    const [r] = recommendations(results({ writethrough: [20, 21, 22], writeback: [5, 5.2, 5.4] }, 'zfs', true));
    const nova = r?.projects.find((p) => p.project === 'OpenStack Nova');
    expect(nova).toMatchObject({ mode: 'writeback', because: 'O_DIRECT fails on this target (none was refused)' });
    expect(r?.projects.find((p) => p.project === 'Proxmox VE')?.mode).toBe('none');
    expect(r?.projects.find((p) => p.project === 'Proxmox VE')?.costRatio).toBeNull();
  });
});
