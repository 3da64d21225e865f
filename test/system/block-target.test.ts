// Block-device targets without a device: which loop files are a dead run's, the --target-device refusals, zeroing.
import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EnvironmentError, UsageError } from '../../src/model/errors.ts';
import {
  isOrphanLoopFile,
  validateLoopSupport,
  validateTargetDevice,
  zeroLoopFile,
} from '../../src/system/block-target.ts';

describe('isOrphanLoopFile', () => {
  const dead = () => true;
  const alive = () => false;
  it('takes a loop.img in a qcb-work folder whose owner is dead', () => {
    expect(isOrphanLoopFile('/var/tmp/qcb-work-abc/loop.img', dead)).toBe(true);
    expect(isOrphanLoopFile('/var/tmp/qcb-work-abc/loop.img', alive)).toBe(false);
  });
  it("takes the power-cut check's loop.img further down a dead run's qcb-work folder", () => {
    expect(isOrphanLoopFile('/var/tmp/qcb-work-abc/power-cut/mnt/loop.img', dead)).toBe(true);
    expect(isOrphanLoopFile('/var/tmp/qcb-work-abc/power-cut/mnt/loop.img', alive)).toBe(false);
  });
  it('takes one whose file was deleted while attached, whoever owned it', () => {
    expect(isOrphanLoopFile('/var/tmp/qcb-work-abc/loop.img (deleted)', alive)).toBe(true);
  });
  it('never takes anything else: another name, another folder, or a user file that was deleted', () => {
    expect(isOrphanLoopFile('/var/tmp/qcb-work-abc/disk.img', dead)).toBe(false);
    expect(isOrphanLoopFile('/var/tmp/images/loop.img', dead)).toBe(false);
    expect(isOrphanLoopFile('/srv/vm.raw (deleted)', dead)).toBe(false);
  });
});

describe('validateTargetDevice', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qcb-dev-'));
  it('refuses without the confirmation naming the same path', () => {
    expect(() => validateTargetDevice('/dev/vdb', [], 1)).toThrow(
      new UsageError(
        '--target-device /dev/vdb overwrites that device; if you mean it, add --i-know-this-overwrites /dev/vdb',
      ),
    );
    expect(() => validateTargetDevice('/dev/vdb', ['/dev/vdc'], 1)).toThrow(/add --i-know-this-overwrites \/dev\/vdb$/);
  });
  it('refuses a confirmed path that does not exist or is a regular file', () => {
    const missing = join(dir, 'missing');
    expect(() => validateTargetDevice(missing, [missing], 1)).toThrow(
      new UsageError(`--target-device ${missing}: ENOENT; pass a block device`),
    );
    const file = join(dir, 'file');
    writeFileSync(file, 'x');
    expect(() => validateTargetDevice(file, [file], 1)).toThrow(/is not a block device/);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });
});

describe('zeroLoopFile', () => {
  it('leaves a file of the same size with no data blocks (every byte reads as zero)', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'qcb-zero-')), 'loop.img');
    writeFileSync(file, Buffer.alloc(1024 * 1024, 0x77));
    zeroLoopFile(file, 1024 * 1024);
    expect(statSync(file).size).toBe(1024 * 1024);
    expect(statSync(file).blocks).toBe(0);
    expect(readFileSync(file).every((b) => b === 0)).toBe(true);
  });
});

describe('validateLoopSupport', () => {
  it('needs root', () => {
    expect(() => validateLoopSupport(false)).toThrow(
      new EnvironmentError('--target-loop attaches a loop device, which needs root; run as root or drop it'),
    );
  });
});
