// The power-cut check with real qemu-img on a small image: what survives a cut at return and mid-conversion; and the
// byte count it reports, against a naive count.
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  checkPowerCut,
  differingBytes,
  ensurePowerCutFs,
  mergeRanges,
  type PowerCutJob,
  rawReference,
} from '../../src/flush/power-cut-check.ts';
import { DEFAULT_CONVERT_OPTIONS } from '../../src/model/qemu-img-command.ts';
import { mountsOfType } from '../../src/system/power-cut-mount.ts';
import { CAN_MOUNT_FUSE, NEEDS_FUSE } from '../helpers/cli.ts';

const SKIP = !CAN_MOUNT_FUSE;
const WHY = NEEDS_FUSE;
const MIB = 1024 ** 2;
const SIZE = 64 * MIB;
const work = mkdtempSync(join(tmpdir(), 'qcb-power-cut-check-'));
const source = join(work, 'source.qcow2');
let binary = '';
let reference = '';

beforeAll(async () => {
  if (SKIP) return;
  await execa('qemu-img', ['create', '-q', '-f', 'qcow2', source, String(SIZE)]);
  // 40 MiB of data in two extents, the rest holes: every mode writes the same guest data.
  await execa('qemu-io', ['-c', 'write -P 0xab 0 24M', '-c', 'write -P 0xcd 40M 16M', source]);
  binary = await ensurePowerCutFs(join(work, 'cache'));
  reference = await rawReference('qemu-img', source, 'qcow2', join(work, 'reference.raw'));
}, 120_000);

function job(mode: string, extra: Partial<PowerCutJob> = {}): PowerCutJob {
  return {
    qemuImg: 'qemu-img',
    caseId: 'default',
    specFor: (output) => ({
      mode,
      srcCache: null,
      srcFormat: 'qcow2',
      outFormat: 'raw',
      src: source,
      dst: output,
      options: { ...DEFAULT_CONVERT_OPTIONS, existingTarget: extra.blockDevice === true },
    }),
    mode,
    outputName: extra.blockDevice ? 'loop.img' : `out-${mode}.raw`,
    blockDevice: false,
    reference,
    virtualSize: SIZE,
    preCreate: false,
    binary,
    folder: join(work, `check-${mode}`),
    timeoutSeconds: 120,
    cutFraction: 0.5,
    ...extra,
  };
}

describe('the power-cut check with real qemu-img', () => {
  it.skipIf(SKIP)(
    `writeback, writethrough and directsync: intact after a cut at return ${WHY}`,
    async () => {
      for (const mode of ['writeback', 'writethrough', 'directsync']) {
        const check = await checkPowerCut(job(mode));
        expect(check.error).toBeNull();
        expect([check.mode, check.state, check.atReturn, check.output, check.differingBytes]).toEqual([
          mode,
          'checked',
          'intact',
          'present',
          0,
        ]);
        expect(check.firstDifferenceOffset).toBeNull();
      }
    },
    120_000,
  );

  it.skipIf(SKIP)(
    `unsafe: lost at return, the output never flushed so it does not exist ${WHY}`,
    async () => {
      const check = await checkPowerCut(job('unsafe'));
      expect([check.state, check.atReturn, check.output, check.differingBytes]).toEqual([
        'checked',
        'lost',
        'missing',
        SIZE,
      ]);
    },
    120_000,
  );

  it.skipIf(SKIP)(
    `-n onto an existing output: writeback intact, unsafe leaves the old (empty) output ${WHY}`,
    async () => {
      const writeback = await checkPowerCut(job('writeback', { preCreate: true, folder: join(work, 'n-wb') }));
      expect([writeback.atReturn, writeback.differingBytes]).toEqual(['intact', 0]);
      const unsafe = await checkPowerCut(job('unsafe', { preCreate: true, folder: join(work, 'n-unsafe') }));
      // The pre-created output is all zeros: exactly the 40 MiB of guest data differ, the first at offset 0.
      expect([unsafe.atReturn, unsafe.output, unsafe.differingBytes, unsafe.firstDifferenceOffset]).toEqual([
        'lost',
        'present',
        40 * MIB,
        0,
      ]);
    },
    120_000,
  );

  it.skipIf(SKIP)(
    `a block device (a loop over a file on the file system, -n): flushed modes intact, unsafe lost ${WHY}`,
    async () => {
      const device = (mode: string) => job(mode, { blockDevice: true, folder: join(work, `dev-${mode}`) });
      const outcomes: string[] = [];
      for (const mode of ['writeback', 'none', 'unsafe']) {
        const check = await checkPowerCut(device(mode));
        expect(check.error).toBeNull();
        outcomes.push(
          `${mode} ${check.atReturn} ${check.output} ${check.differingBytes} ${check.firstDifferenceOffset}`,
        );
      }
      // unsafe leaves every byte in the device's page cache or the file system's volatile cache: the volume stays zero.
      expect(outcomes).toEqual([
        'writeback intact present 0 null',
        'none intact present 0 null',
        `unsafe lost present ${40 * MIB} 0`,
      ]);
      const loops = await execa('losetup', ['--list', '--noheadings', '--output', 'BACK-FILE']);
      expect(loops.stdout).not.toContain(work);
    },
    120_000,
  );

  it.skipIf(SKIP)(
    `a cut mid-conversion leaves a differing output; nothing stays mounted ${WHY}`,
    async () => {
      const check = await checkPowerCut(job('writethrough', { cutFraction: 0.4, folder: join(work, 'mid') }));
      expect(check.midConversion?.cut).toBe('cut');
      expect(check.midConversion?.outcome.state).toBe('lost');
      expect(check.midConversion?.cutAtSeconds).toBeCloseTo((check.convertSeconds ?? 0) * 0.4, 9);
      expect(mountsOfType('fuse.qcb-power-cut').filter((p) => p.startsWith(work))).toEqual([]);
      expect(existsSync(join(work, 'mid'))).toBe(false);
    },
    120_000,
  );
});

describe('differingBytes', () => {
  it('counts differing bytes over both files’ data, zeros past an end, and finds the first', async () => {
    const a = join(work, 'diff-a.raw');
    const b = join(work, 'diff-b.raw');
    const size = 3 * MIB;
    const data = Buffer.alloc(size, 0x11);
    data.fill(0, MIB, 2 * MIB); // a hole-like zero MiB in the middle of a
    writeFileSync(a, data);
    const other = Buffer.from(data);
    other[5] = 0x12; // 1
    other[MIB + 7] = 1; // 2: data where a has zeros
    other[MIB + 8] = 2;
    writeFileSync(b, other.subarray(0, size - 100)); // 100 bytes of 0x11 in a lie past b's end
    const fd = openSync(a, 'r+');
    writeSync(fd, Buffer.alloc(1, 0x11), 0, 1, 2 * MIB - 1); // one more byte of a inside b's range: b has 0 there
    closeSync(fd);
    const naive = naiveCount(readFileSync(a), readFileSync(b), size);
    const counted = await differingBytes('qemu-img', a, b, size);
    expect(counted).toEqual({ bytes: 104, first: 5 });
    expect(counted).toEqual(naive);
  });

  it('mergeRanges sorts, merges touching ranges and clips them to the size', () => {
    const ranges = [
      { start: 10, length: 5 },
      { start: 0, length: 4 },
      { start: 4, length: 2 },
      { start: 30, length: 100 },
    ];
    expect(mergeRanges(ranges, 50)).toEqual([
      { start: 0, end: 6 },
      { start: 10, end: 15 },
      { start: 30, end: 50 },
    ]);
  });
});

function naiveCount(a: Buffer, b: Buffer, size: number): { bytes: number; first: number | null } {
  let bytes = 0;
  let first: number | null = null;
  for (let i = 0; i < size; i++) {
    if ((a[i] ?? 0) === (b[i] ?? 0)) continue;
    bytes++;
    first ??= i;
  }
  return { bytes, first };
}
