// "What to choose here" on fixtures: none fastest, writeback fastest, and O_DIRECT refused by the target.
import { describe, expect, it } from 'vitest';
import { optionSetChoice, recommendations } from '../../src/analyze/recommendation.ts';
import { summarize } from '../../src/analyze/summary.ts';
import { DEFAULT_CONVERT_OPTIONS } from '../../src/model/qemu-img-command.ts';
import type { Results, Sample } from '../../src/model/results.ts';
import { becauseText, optionSetText, recommendationText } from '../../src/report/choice-text.ts';

function sample(mode: string, run: number, durable: number, ok = true): Sample {
  return {
    caseId: 'default',
    mode,
    run,
    round: run,
    warmup: false,
    state: ok ? 'ok' : 'failed',
    failure: ok ? null : 'unsupported',
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
    discardWait: null,
    startedAt: '',
    verified: null,
    argv: null,
    memory: null,
    flushes: null,
  };
}

function results(
  times: Record<string, number[]>,
  fsType = 'ext4',
  failedNone = false,
  target: { targetKind: string; device: unknown } = { targetKind: 'dir', device: null },
): Results {
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
    image: { format: 'qcow2' },
    cases: [
      {
        id: 'default',
        storage,
        targetDir: '/t',
        outputFormat: 'raw',
        srcCache: null,
        options: DEFAULT_CONVERT_OPTIONS,
        ...target,
      },
    ],
    samples,
    summary: summarize(samples, ['default'], modes, 'writethrough'),
    durability: [],
    config: { runs: Math.max(...Object.values(times).map((t) => t.length)), adaptive: null },
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
    // SciPy 1.17: stats.ttest_ind(np.log([10, 11, 12, 13]), np.log([6, 6.5, 7, 7.5]), equal_var=False).pvalue
    expect(r?.runnerUp?.p).toBeCloseTo(0.00041650548505242006, 12);
    expect(r?.clear).toBe(true);
    // Incus is unknown: whether the source opens with O_DIRECT was not measured; Ironic writes block devices only.
    expect(r?.projects.map((p) => [p.project, p.state, p.mode])).toEqual([
      ['nova', 'command', 'none'],
      ['cinder', 'command', 'unsafe'],
      ['vdsm', 'command', 'none'],
      ['cdi', 'command', 'writeback'],
      ['proxmox', 'command', 'unsafe'],
      ['ironic', 'not-applicable', null],
      ['incus', 'unknown', null],
      ['cloudstack', 'command', 'unsafe'],
      ['glance', 'command', 'unsafe'],
      ['libvirt', 'command', 'unsafe'],
      ['opennebula', 'command', 'unsafe'],
    ]);
    // vdsm's command against the measured none run (convert -t none -f qcow2 -O raw SRC DST): it adds -p and -T none
    expect(r?.projects.find((p) => p.project === 'vdsm')?.standIn).toEqual({
      caseId: 'default',
      projectOnly: ['nice -n 19 ionice -c 3', '-T none', '-p'],
      runOnly: [],
    });
    // unsafe is faster here but never recommended: it is not durable when qemu-img returns.
    expect(recommendationText(r as NonNullable<typeof r>)).toMatch(/^none: the fastest mode whose data is durable/);
  });
  it('names writeback when it is fastest; the rules that pick none then cost their measured ratio', () => {
    const [r] = recommendations(results({ writethrough: [20, 21, 22], writeback: [5, 5.2, 5.4], none: [8, 8, 8] }));
    expect(r?.fastest).toBe('writeback');
    // 3 runs a side suffice for Welch: none [8, 8, 8] / writeback [5, 5.2, 5.4], 95% interval 1.40-1.69x (SciPy)
    expect(r?.clear).toBe(true);
    expect(r?.runnerUp?.ciLow).toBeCloseTo(1.3988907076054857, 10);
    const vdsm = r?.projects.find((p) => p.project === 'vdsm');
    // the ratio of geometric means of durable times, the runner-up's margin itself: one figure for one pair
    expect(vdsm?.costRatio).toBeCloseTo(8 / Math.cbrt(5 * 5.2 * 5.4), 12);
    expect(vdsm?.costCiLow).toBeCloseTo(1.3988907076054857, 10);
    expect(vdsm?.costCiHigh).toBe(r?.runnerUp?.ciHigh);
  });
  it('falls back as Nova does when O_DIRECT is refused (none unsupported); Proxmox keeps its default on a ZFS directory', () => {
    const [r] = recommendations(results({ writethrough: [20, 21, 22], writeback: [5, 5.2, 5.4] }, 'zfs', true));
    const nova = r?.projects.find((p) => p.project === 'nova');
    expect(nova).toMatchObject({ mode: 'writeback' });
    expect(r?.target).toEqual({
      odirect: 'refused',
      kind: 'dir',
      device: null,
      fsType: 'zfs',
      sourceOdirect: 'unknown',
      writebackOomKilled: null,
      srcFormat: 'qcow2',
      outFormat: 'raw',
      stated: {},
    });
    expect(becauseText('nova', r?.target as NonNullable<typeof r>['target'])).toBe('O_DIRECT fails on the target');
    // -t none only onto a zfspool storage (a zvol); a directory storage on a ZFS dataset gets qemu-img's default
    expect(r?.projects.find((p) => p.project === 'proxmox')?.mode).toBe('unsafe');
    expect(r?.projects.find((p) => p.project === 'proxmox')?.costRatio).toBeNull();
  });
  it('Cinder picks none on a block-device target where O_DIRECT works, its default on a directory', () => {
    const times = { writethrough: [20, 21, 22], writeback: [5, 5.2, 5.4], none: [4, 4.1, 4.2] };
    const loop = {
      targetKind: 'loop',
      device: { path: '/dev/loop3', sizeBytes: 1, loopFile: 'f', loopDirectIo: true },
    };
    const cinder = (r: Results) => recommendations(r)[0]?.projects.find((p) => p.project === 'cinder');
    const onLoop = results(times, 'ext4', false, loop);
    expect(cinder(onLoop)).toMatchObject({ project: 'cinder', mode: 'none', costRatio: 1 });
    expect(
      becauseText(
        'cinder',
        recommendations(onLoop)[0]?.target as NonNullable<ReturnType<typeof recommendations>[number]>['target'],
      ),
    ).toBe('a block device where O_DIRECT works');
    expect(cinder(results(times))?.mode).toBe('unsafe');
  });
});

describe('optionSetChoice', () => {
  it('finds the fastest durable (case, mode) over every case and compares it with the next', () => {
    const base = (caseId: string, mode: string, ds: number[]) =>
      ds.map((d, i) => ({ ...sample(mode, i + 1, d), caseId }));
    const samples = [
      ...base('m=1', 'writeback', [10, 10.5, 11, 11.5]),
      ...base('m=1', 'none', [12, 12.5, 13, 13.5]),
      ...base('m=8', 'writeback', [6, 6.2, 6.4, 6.6]),
      ...base('m=8', 'none', [7, 7.2, 7.4, 7.6]),
      ...base('m=8', 'unsafe', [1, 1, 1, 1]),
    ];
    const run = {
      cases: [{ id: 'm=1' }, { id: 'm=8' }],
      samples,
      summary: summarize(samples, ['m=1', 'm=8'], ['writeback', 'none', 'unsafe'], null),
      durability: [],
      config: { runs: 4, adaptive: null },
    } as unknown as Results;
    const c = optionSetChoice(run);
    expect(c?.best).toMatchObject({ caseId: 'm=8', mode: 'writeback' });
    expect(c?.best.median).toBeCloseTo(6.3, 12);
    expect(c?.next).toMatchObject({ caseId: 'm=8', mode: 'none' });
    expect(c?.next?.p).toBeCloseTo(0.0017079640899856946, 12); // SciPy, as above
    // ratio of geometric means of none's and writeback's times to durable at m=8
    const geo = (xs: number[]) => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length);
    expect(c?.next?.ratio).toBeCloseTo(geo([7, 7.2, 7.4, 7.6]) / geo([6, 6.2, 6.4, 6.6]), 12);
    expect(c?.candidates).toBe(4);
    expect(c?.clear).toBe(true);
    // the other option set's best (writeback at m=1) against the best
    expect(c?.otherSets.map((m) => [m.caseId, m.mode])).toEqual([['m=1', 'writeback']]);
    expect(c?.otherSets[0]?.p).toBeCloseTo(1.7292911463995255e-5, 14);
    expect(c?.otherSets[0]?.ratio).toBeCloseTo(geo([10, 10.5, 11, 11.5]) / geo([6, 6.2, 6.4, 6.6]), 12);
    expect(optionSetText(c as NonNullable<typeof c>)).toMatch(
      /^Across 4 durable \(option set, mode\) pairs, the fastest is writeback with m=8 \(median time to durable 6\.30 s\); the next, none with m=8, takes 1\.16x its time to durable \(95% interval 1\.08-1\.24x, Welch p = 0\.002\): clearly\. The best of each other option set: m=1 \(writeback\) takes 1\.71x its time to durable \(95% interval 1\.56-1\.87x, Welch p < 0\.001\): clearly\.$/,
    );
  });
  it('is null for a run of one case', () => {
    expect(optionSetChoice(results({ writeback: [1, 2], none: [3, 4] }))).toBeNull();
  });
});

describe('a mode that succeeded too rarely', () => {
  it('is not recommended: 1 success among 3 failures of writeback (--runs 4) leaves none as the choice', () => {
    const r = results({ writethrough: [12, 12.2, 12.4, 12.6], writeback: [5], none: [7, 7.1, 7.2, 7.3] });
    for (const run of [2, 3, 4]) r.samples.push(sample('writeback', run, 0, false));
    r.summary = summarize(r.samples, ['default'], ['writethrough', 'writeback', 'none'], 'writethrough');
    expect(r.summary.cases[0]?.modes.find((m) => m.mode === 'writeback')).toMatchObject({ runs: 1, failed: 3 });
    expect(recommendations(r)[0]?.fastest).toBe('none');
  });
});
