import { describe, expect, it } from 'vitest';
import type { MatrixInput } from '../../src/model/plan.ts';
import { seededRandom, shuffled } from '../../src/model/prng.ts';
import { buildCases as build, buildRounds } from '../../src/plan/matrix.ts';

/** The matrix with qemu-img's default options unless the test sets them. */
const buildCases = ({
  targetDirs = [],
  ...input
}: Partial<MatrixInput> & Pick<MatrixInput, 'qemuImgs' | 'outputFormats' | 'srcCaches'> & { targetDirs?: string[] }) =>
  build({
    coroutines: [null],
    outOfOrder: [false],
    rateLimits: [null],
    targetIsZero: false,
    targets: targetDirs.map((path) => ({ kind: 'dir', path })),
    ...input,
  });

describe('buildCases', () => {
  it('adds the convert options as axes: -m, -W and -r name themselves in the id, --target-is-zero applies to all', () => {
    const cases = buildCases({
      qemuImgs: ['qemu-img'],
      targetDirs: ['/a'],
      outputFormats: ['raw'],
      srcCaches: [null],
      coroutines: [1, 8],
      outOfOrder: [false, true],
      rateLimits: ['100M'],
      targetIsZero: true,
    });
    expect(cases.map((c) => c.id)).toEqual(['m=1,W=off', 'm=1,W=on', 'm=8,W=off', 'm=8,W=on']);
    expect(cases.map((c) => c.options)).toEqual([
      { coroutines: 1, outOfOrder: false, targetIsZero: true, existingTarget: false, rateLimit: '100M' },
      { coroutines: 1, outOfOrder: true, targetIsZero: true, existingTarget: false, rateLimit: '100M' },
      { coroutines: 8, outOfOrder: false, targetIsZero: true, existingTarget: false, rateLimit: '100M' },
      { coroutines: 8, outOfOrder: true, targetIsZero: true, existingTarget: false, rateLimit: '100M' },
    ]);
  });
  it('gives one case named default for a single combination', () => {
    const cases = buildCases({ qemuImgs: ['qemu-img'], targetDirs: ['/a'], outputFormats: ['raw'], srcCaches: [null] });
    expect(cases.map((c) => c.id)).toEqual(['default']);
  });
  it('names only the dimensions that vary, in a cartesian product', () => {
    const cases = buildCases({
      qemuImgs: ['qemu-img'],
      targetDirs: ['/mnt/disk', '/dev/shm'],
      outputFormats: ['raw', 'qcow2'],
      srcCaches: [null],
    });
    expect(cases.map((c) => c.id)).toEqual([
      'tgt=disk,fmt=raw',
      'tgt=disk,fmt=qcow2',
      'tgt=shm,fmt=raw',
      'tgt=shm,fmt=qcow2',
    ]);
  });
  it('names block-device and loop targets by kind, and records the kind in each case', () => {
    const cases = buildCases({
      qemuImgs: ['qemu-img'],
      targets: [
        { kind: 'dir', path: '/var/tmp' },
        { kind: 'device', path: '/dev/vdb' },
        { kind: 'loop', path: '/var/tmp' },
      ],
      outputFormats: ['raw'],
      srcCaches: [null],
    });
    expect(cases.map((c) => [c.id, c.targetKind, c.targetDir, c.options.existingTarget])).toEqual([
      ['tgt=tmp', 'dir', '/var/tmp', false],
      ['tgt=device:vdb', 'device', '/dev/vdb', true],
      ['tgt=loop:tmp', 'loop', '/var/tmp', true],
    ]);
  });
  it('keeps ids unique when paths end alike', () => {
    const cases = buildCases({
      qemuImgs: ['/a/qemu-img', '/b/qemu-img'],
      targetDirs: ['/t'],
      outputFormats: ['raw'],
      srcCaches: ['none', null],
    });
    expect(new Set(cases.map((c) => c.id)).size).toBe(4);
    expect(cases[0]?.id).toBe('qemu=qemu-img#1,src=none');
  });
});

describe('buildRounds', () => {
  it('puts every mode once in each round, warm-ups first, and counts runs per mode', () => {
    const rounds = buildRounds(['default'], ['writethrough', 'writeback', 'none', 'unsafe'], 3, 1, 42);
    expect(rounds).toHaveLength(4);
    for (const round of rounds)
      expect(round.map((c) => c.mode).sort()).toEqual(['none', 'unsafe', 'writeback', 'writethrough']);
    expect(rounds[0]?.every((c) => c.warmup && c.run === 1)).toBe(true);
    expect(rounds[3]?.every((c) => !c.warmup && c.run === 3 && c.round === 4)).toBe(true);
  });
  it('shuffles by the seed: same seed same order, other seed other order', () => {
    const order = (seed: number) =>
      buildRounds(['a'], ['w', 'x', 'y', 'z', 'v'], 5, 0, seed).map((r) => r.map((c) => c.mode).join(''));
    expect(order(7)).toEqual(order(7));
    expect(order(7)).not.toEqual(order(8));
    expect(new Set(order(7)).size).toBeGreaterThan(1);
  });
});

describe('seededRandom', () => {
  it('is deterministic and in [0, 1)', () => {
    const a = seededRandom(1);
    const b = seededRandom(1);
    const xs = Array.from({ length: 1000 }, () => a());
    expect(xs).toEqual(Array.from({ length: 1000 }, () => b()));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
  });
  it('shuffles a copy without losing items', () => {
    const items = [1, 2, 3, 4, 5, 6];
    const out = shuffled(items, seededRandom(3));
    expect(out.sort()).toEqual(items);
  });
});
