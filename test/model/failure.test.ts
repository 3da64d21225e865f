// The failure classifier: only qemu-img refusing the mode is "unsupported"; a full disk, the OOM killer, a timeout, an
// outside signal and any other error are failures named for what they were.
import { describe, expect, it } from 'vitest';
import { failureKind } from '../../src/model/failure.ts';

const base = { mode: 'none', timedOut: false, oomKilled: false, signal: null, message: '' };

describe('failureKind', () => {
  it("calls qemu-img's refusal of O_DIRECT at open unsupported, for none and directsync only", () => {
    // qemu-img 7.2 on tmpfs without O_DIRECT: "qemu-img: /t/out.raw: Could not open '/t/out.raw': Invalid argument"
    const refusal = "qemu-img: /t/out.raw: Could not open '/t/out.raw': Invalid argument";
    expect(failureKind({ ...base, message: refusal })).toBe('unsupported');
    expect(failureKind({ ...base, mode: 'directsync', message: refusal })).toBe('unsupported');
    expect(failureKind({ ...base, mode: 'writeback', message: refusal })).toBe('error');
  });
  it('calls an option this qemu-img does not know unsupported', () => {
    expect(failureKind({ ...base, mode: 'writeback', message: "qemu-img: invalid option -- 'W'" })).toBe('unsupported');
  });
  it('calls a full target out of space, even under none (it is not a refusal of O_DIRECT)', () => {
    const full = 'qemu-img: error while writing at byte 8388608: No space left on device';
    expect(failureKind({ ...base, message: full })).toBe('out-of-space');
  });
  it('names the OOM killer, the timeout and an outside signal', () => {
    expect(failureKind({ ...base, oomKilled: true, signal: 'SIGKILL' })).toBe('oom');
    expect(failureKind({ ...base, timedOut: true, signal: 'SIGTERM' })).toBe('timed-out');
    expect(failureKind({ ...base, signal: 'SIGKILL' })).toBe('killed');
    expect(failureKind({ ...base, mode: 'writeback', message: 'qemu-img: Could not open src: No such file' })).toBe(
      'error',
    );
  });
});
