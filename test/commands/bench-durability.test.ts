// --durability-check refused up front where a block-device target would need a loop device the kernel cannot give.

import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { requirePowerCutCheck } from '../../src/commands/bench-durability.ts';
import { IS_ROOT, NEEDS_FUSE } from '../helpers/cli.ts';

describe('requirePowerCutCheck', () => {
  const on = { durabilityCheck: true, targetDevices: [] as string[], targetLoops: [] as string[] };
  const devices = { fuse: '/dev/fuse', loopControl: '/nonexistent/loop-control' };
  it.skipIf(!IS_ROOT || !existsSync('/dev/fuse'))(
    `a block-device target without the loop module is refused up front; a directory target needs none ${NEEDS_FUSE}`,
    () => {
      expect(() => requirePowerCutCheck({ ...on, targetDevices: ['/dev/sdz'] }, devices)).toThrow(
        '--durability-check simulates a block-device target with a loop device, and this kernel has no ' +
          '/dev/loop-control: load the loop module (modprobe loop) or leave --durability-check out',
      );
      expect(() => requirePowerCutCheck(on, devices)).not.toThrow();
      expect(() => requirePowerCutCheck({ ...on, durabilityCheck: false, targetLoops: ['/x'] }, devices)).not.toThrow();
    },
  );
});
