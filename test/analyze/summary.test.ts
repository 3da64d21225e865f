import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/analyze/summary.ts';
import { verdicts } from '../../src/analyze/verdict.ts';
import type { Verdict } from '../../src/model/findings.ts';
import type { Results, Sample } from '../../src/model/results.ts';
import { warningText } from '../../src/report/finding-text.ts';
import { reasonPhrases, verdictText } from '../../src/report/verdict-text.ts';

function sample(mode: string, run: number, real: number, extra: Partial<Sample> = {}): Sample {
  return {
    caseId: 'default',
    mode,
    run,
    round: run,
    warmup: false,
    state: 'ok',
    failure: null,
    real,
    user: real / 2,
    sys: real / 10,
    sync: 0.01,
    durable: real + 0.01,
    exitCode: 0,
    error: null,
    stderrTail: null,
    outputBytes: 1,
    dirtyAfterKiB: 0,
    cacheDrop: 'drop_caches',
    discardWait: null,
    startedAt: '',
    verified: null,
    argv: null,
    memory: null,
    flushes: null,
    ...extra,
  };
}

const samples = [
  sample('writethrough', 1, 100, { warmup: true, round: 1 }),
  sample('writethrough', 1, 10),
  sample('writethrough', 2, 11),
  sample('writethrough', 3, 12),
  sample('writeback', 1, 1),
  sample('writeback', 2, 1.1),
  sample('writeback', 3, 0.9),
  sample('none', 1, 0, { state: 'failed', failure: 'unsupported', error: "Could not open 'x': Invalid argument" }),
  sample('none', 2, 0, { state: 'failed', failure: 'unsupported', error: "Could not open 'x': Invalid argument" }),
];

describe('summarize', () => {
  const summary = summarize(samples, ['default'], ['writethrough', 'writeback', 'none'], 'writethrough');
  const [wt, wb, none] = summary.cases[0]!.modes;

  it('keeps warm-ups out of the statistics', () => {
    expect(wt?.runs).toBe(3);
    expect(wt?.real?.median).toBe(11);
    expect(wt?.real?.max).toBe(12);
  });
  it('gives the speedup as the ratio of geometric means, baseline / mode', () => {
    expect(wb?.speedup?.ratio).toBeCloseTo(Math.cbrt(10 * 11 * 12) / Math.cbrt(1 * 1.1 * 0.9), 10);
    expect(wt?.speedup).toBeNull();
    expect(wb?.wait?.median).toBeCloseTo(1 - 0.5 - 0.1, 10);
  });
  it('has no speedups without a baseline, and warns that one run gives no interval', () => {
    const one = summarize([sample('writeback', 1, 1)], ['default'], ['writeback'], null);
    expect(one.baseline).toBeNull();
    expect(one.cases[0]?.modes[0]?.speedup).toBeNull();
    const warnings = one.cases[0]?.modes[0]?.warnings ?? [];
    expect(warnings).toEqual([{ code: 'single-run', caseId: 'default', mode: 'writeback' }]);
    expect(warnings.map((w) => warningText(w))).toEqual([
      'writeback: 1 run only, so no interval exists for its figures; use 2 or more runs',
    ]);
  });
  it('measures against writeback when it is the baseline: writethrough then shows a speedup below 1', () => {
    const byWb = summarize(samples, ['default'], ['writethrough', 'writeback'], 'writeback');
    expect(byWb.cases[0]?.modes[0]?.speedup?.ratio).toBeCloseTo(Math.cbrt(0.99) / Math.cbrt(1320), 10);
  });
  it('warns of the runs timed while discards still completed after the wait limit, with the longest wait', () => {
    const waited = (run: number, seconds: number, settled: boolean) =>
      sample('writeback', run, 1 + run / 10, { discardWait: { seconds, settled } });
    const s = [waited(1, 0.4, true), waited(2, 30.02, false), waited(3, 1.2, true), waited(4, 30.5, false)];
    const warnings = summarize(s, ['default'], ['writeback'], null).cases[0]?.modes[0]?.warnings ?? [];
    expect(warnings).toEqual([
      { code: 'discards-in-flight', caseId: 'default', mode: 'writeback', runs: [2, 4], waitedSeconds: 30.5 },
    ]);
    expect(warnings.map((w) => warningText(w))).toEqual([
      "writeback: runs 2, 4 started while the previous output's discards were still completing after 30.5 s of " +
        "waiting (the target's file system discards after the commit); the disk shared its time with them, so " +
        'these times may be too long',
    ]);
    const quiet = summarize(s.slice(0, 1).concat(s[2]!), ['default'], ['writeback'], null);
    expect(quiet.cases[0]?.modes[0]?.warnings.map((w) => w.code)).toEqual([]);
  });
  it('records a mode with only failed runs as unsupported with its message', () => {
    expect(none).toMatchObject({
      state: 'unsupported',
      runs: 0,
      failed: 2,
      error: "Could not open 'x': Invalid argument",
      real: null,
    });
  });
});

describe('verdicts', () => {
  const base = {
    config: { emulateFlushLatencyMs: null, modes: ['writethrough', 'writeback'] },
    cases: [{ id: 'default', outputFormat: 'raw', targetDir: '/t', storage: { fsType: 'tmpfs' } }],
    image: { virtualSize: 1024 ** 3, format: 'qcow2' },
    flushAudit: [],
    flushProbe: [],
    samples: [],
  } as unknown as Results;
  it('says no difference can be concluded when the CI includes 1, naming a tmpfs target', () => {
    const s = [
      sample('writethrough', 1, 1),
      sample('writethrough', 2, 1.3),
      sample('writethrough', 3, 0.8),
      sample('writeback', 1, 1.1),
      sample('writeback', 2, 0.9),
      sample('writeback', 3, 1.2),
    ];
    const results = {
      ...base,
      samples: s,
      summary: summarize(s, ['default'], ['writethrough', 'writeback'], 'writethrough'),
    } as Results;
    const [v] = verdicts(results);
    expect(v?.outcome).toBe('none');
    expect(verdictText(results, v as Verdict)).toMatch(
      /not measurably faster than writethrough: .*the interval includes 1/,
    );
    expect(v?.reasons[0]).toEqual({ code: 'flush-is-noop', fsType: 'tmpfs' });
    expect(reasonPhrases(v?.reasons ?? []).join(';')).toMatch(/the target is tmpfs, where a flush does nothing/);
  });
  it('says slower, never "0.50x faster", when writeback is clearly slower', () => {
    const s = [
      ...[5, 5.1, 4.9].map((real, i) => sample('writethrough', i + 1, real)),
      ...[10, 10.2, 9.8].map((real, i) => sample('writeback', i + 1, real)),
    ];
    const results = {
      ...base,
      samples: s,
      summary: summarize(s, ['default'], ['writethrough', 'writeback'], 'writethrough'),
    } as Results;
    const [v] = verdicts(results);
    expect(v?.outcome).toBe('smaller');
    expect(verdictText(results, v as Verdict)).toMatch(
      /writeback converted the 1 GiB qcow2 image to raw 2\.00x slower \(speedup 0\.50x\) than writethrough \(95%/,
    );
  });
  it('cannot judge when writeback or writethrough was not measured', () => {
    const s = [sample('writeback', 1, 1)];
    const results = {
      ...base,
      samples: s,
      summary: summarize(s, ['default'], ['writeback'], null),
    } as Results;
    expect(verdicts(results)[0]?.outcome).toBe('not-measured');
  });
});

describe('verdicts label what they state', () => {
  const s = [
    sample('writethrough', 1, 12),
    sample('writethrough', 2, 12.5),
    sample('writethrough', 3, 11.8),
    sample('writeback', 1, 5, { user: 4.5, sys: 0.3 }),
    sample('writeback', 2, 5.2, { user: 4.6, sys: 0.3 }),
    sample('writeback', 3, 4.9, { user: 4.4, sys: 0.3 }),
  ];
  const results = {
    config: { emulateFlushLatencyMs: null, modes: ['writethrough', 'writeback'] },
    cases: [{ id: 'default', outputFormat: 'raw', targetDir: '/t', storage: { fsType: 'ext4' } }],
    image: { virtualSize: 4 * 1024 ** 3, format: 'raw', compressedClusters: null },
    flushAudit: [
      {
        caseId: 'default',
        mode: 'writethrough',
        ok: true,
        failure: null,
        writes: 14292,
        fsync: 0,
        fdatasync: 14292,
        syncFileRange: 0,
        openFlags: [],
      },
    ],
    flushProbe: [
      {
        caseId: 'default',
        targetDir: '/t',
        tool: 'fio',
        small: { bytes: 4096, medianMs: 0.23, p99Ms: 1, count: 200 },
        large: null,
        emulatedMs: null,
      },
    ],
    samples: s,
    summary: summarize(s, ['default'], ['writethrough', 'writeback'], 'writeback'),
  } as unknown as Results;
  const [v] = verdicts(results);
  it('computes writeback vs writethrough itself, whatever the baseline (no crash with --baseline writeback)', () => {
    expect(v?.outcome).toBe('smaller');
    expect(v?.speedup?.ratio).toBeCloseTo(Math.cbrt(12 * 12.5 * 11.8) / Math.cbrt(5 * 5.2 * 4.9), 10);
  });
  it('calls the probe figure a prediction and gives the measured extra beside it', () => {
    const text = verdictText(results, v as Verdict);
    expect(v?.reasons.find((r) => r.code === 'probe-predicts')).toEqual({
      code: 'probe-predicts',
      flushes: 14292,
      predictedSeconds: expect.closeTo(14292 * 0.00023, 12),
    });
    // 14292 x 0.23 ms = 3.287 s predicted; medians 12 - 5 = 7.00 s measured, 0.49 ms per flush
    expect(text).toMatch(
      /14292 flushes would add about 3\.3 s to writethrough \(a prediction: flushes x probe latency\)/,
    );
    expect(text).toMatch(/the measured extra is 7\.00 s \(writethrough - writeback medians\), 0\.49 ms per flush/);
    expect(text).toMatch(/12,500 flushes, an assumption: the 2019 report gives no flush count/);
  });
  it('names decompression only for an image with compressed clusters', () => {
    expect(verdictText(results, v as Verdict)).toMatch(
      /writeback is CPU-bound here \(measured user 4\.50 s \+ sys 0\.30 s of 5\.00 s wall, time in flushes not measured; .*called CPU-bound at >= 80% CPU and < 5% in flushes\), which/,
    );
    expect(verdictText(results, v as Verdict)).not.toMatch(/compress/);
    const compressed = { ...results, image: { ...results.image, compressedClusters: '67.73%' } } as Results;
    expect(verdictText(compressed, verdicts(compressed)[0] as Verdict)).toMatch(
      /; 67\.73% of clusters compressed; called CPU-bound/,
    );
  });
  it('calls writeback CPU-bound only while the flush meter saw flushes in flight under 5% of its wall time', () => {
    const withFlushes = (inFlightSeconds: number) =>
      ({
        ...results,
        samples: results.samples.map((s) =>
          s.mode === 'writeback'
            ? {
                ...s,
                flushes: {
                  calls: 1,
                  waitSeconds: inFlightSeconds,
                  inFlightSeconds,
                  medianMs: 1,
                  p99Ms: 1,
                  writeCalls: 1,
                  writeBytes: 1,
                  unflushedBytes: 0,
                },
              }
            : s,
        ),
      }) as Results;
    // 0.9 s of 5 s wall inside one fdatasync (18%): not CPU-bound, whatever user + sys say
    const slow = withFlushes(0.9);
    expect(verdicts(slow)[0]?.reasons.some((r) => r.code === 'cpu-bound')).toBe(false);
    // 0.1 s of 5 s (2.0%): CPU-bound, the share stated
    const quick = withFlushes(0.1);
    expect(verdictText(quick, verdicts(quick)[0] as Verdict)).toMatch(
      /a flush in flight 2\.0% of it; called CPU-bound/,
    );
  });
});

describe('penaltyPredictions', () => {
  it('predicts flushes x (probe + emulated) latency and compares it with the measured extra', async () => {
    const { penaltyPredictions } = await import('../../src/analyze/prediction.ts');
    const s = [
      sample('writethrough', 1, 12),
      sample('writethrough', 2, 13),
      sample('writethrough', 3, 14),
      sample('writeback', 1, 5),
      sample('writeback', 2, 6),
      sample('writeback', 3, 7),
    ];
    const results = {
      config: { emulateFlushLatencyMs: 1 },
      cases: [{ id: 'default', targetDir: '/t' }],
      flushAudit: [
        {
          caseId: 'default',
          mode: 'writethrough',
          ok: true,
          failure: null,
          writes: 1000,
          fsync: 0,
          fdatasync: 1000,
          syncFileRange: 0,
          openFlags: [],
        },
      ],
      flushProbe: [
        {
          caseId: 'default',
          targetDir: '/t',
          tool: 'fio',
          small: { bytes: 4096, medianMs: 0.1, p99Ms: 1, count: 1 },
          large: null,
          shaped: { bytes: 73728, medianMs: 0.4, p99Ms: 1, count: 1 },
          emulatedMs: 1,
        },
      ],
      summary: summarize(s, ['default'], ['writethrough', 'writeback'], 'writethrough'),
    } as unknown as Results;
    const [p] = penaltyPredictions(results);
    // the shaped probe (0.4 ms) plus 1 ms emulated, over 1000 flushes: 1.4 s; measured 13 - 6 = 7 s
    expect(p).toMatchObject({ flushes: 1000, probeBytes: 73728, measuredSeconds: 7 });
    expect(p?.latencyMs).toBeCloseTo(1.4, 12);
    expect(p?.predictedSeconds).toBeCloseTo(1.4, 12);
    expect(p?.ratio).toBeCloseTo(0.2, 12);
    expect(p?.measuredPerFlushMs).toBeCloseTo(7, 12);
    expect(p?.explained).toBe(false);
  });
});

describe('a mode whose runs all failed', () => {
  it('is unsupported only when qemu-img refused the mode every time, otherwise failed with the reason', () => {
    const full = (run: number) =>
      sample('none', run, 0, { state: 'failed', failure: 'out-of-space', error: 'No space left on device' });
    const refused = (run: number) =>
      sample('none', run, 0, { state: 'failed', failure: 'unsupported', error: 'Invalid argument' });
    const state = (s: Sample[]) => summarize(s, ['default'], ['none'], null).cases[0]?.modes[0]?.state;
    expect(state([full(1), full(2)])).toBe('failed');
    expect(state([refused(1), full(2)])).toBe('failed');
    expect(state([refused(1), refused(2)])).toBe('unsupported');
  });
});
