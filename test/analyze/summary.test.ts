import { describe, expect, it } from 'vitest';
import { summarize } from '../../src/analyze/summary.ts';
import { verdicts } from '../../src/analyze/verdict.ts';
import type { Results, Sample } from '../../src/model/results.ts';

function sample(mode: string, run: number, real: number, extra: Partial<Sample> = {}): Sample {
  return {
    caseId: 'default',
    mode,
    run,
    round: run,
    warmup: false,
    ok: true,
    state: 'ok',
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
    startedAt: '',
    verified: null,
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
  sample('none', 1, 0, { ok: false, state: 'failed', error: "Could not open 'x': Invalid argument" }),
  sample('none', 2, 0, { ok: false, state: 'failed', error: "Could not open 'x': Invalid argument" }),
];

describe('summarize', () => {
  const summary = summarize(samples, ['default'], ['writethrough', 'writeback', 'none'], 'writethrough', 1);
  const [wt, wb, none] = summary.cases[0]!.modes;

  it('keeps warm-ups out of the statistics', () => {
    expect(wt?.runs).toBe(3);
    expect(wt?.real?.median).toBe(11);
    expect(wt?.real?.max).toBe(12);
  });
  it('gives the speedup as baseline median / mode median', () => {
    expect(wb?.speedup?.ratio).toBeCloseTo(11, 10);
    expect(wt?.speedup).toBeNull();
    expect(wb?.wait?.median).toBeCloseTo(1 - 0.5 - 0.1, 10);
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
      summary: summarize(s, ['default'], ['writethrough', 'writeback'], 'writethrough', 1),
    } as Results;
    const [v] = verdicts(results);
    expect(v?.outcome).toBe('none');
    expect(v?.text).toMatch(/no measurably faster than writethrough: .*a CI that includes 1/);
    expect(v?.reasons.join(';')).toMatch(/the target is tmpfs, where a flush does nothing/);
  });
  it('cannot judge when writeback or writethrough was not measured', () => {
    const s = [sample('writeback', 1, 1)];
    const results = {
      ...base,
      samples: s,
      summary: summarize(s, ['default'], ['writeback'], 'writeback', 1),
    } as Results;
    expect(verdicts(results)[0]?.outcome).toBe('not-measured');
  });
});
