// --durability-check where it cannot run is refused before anything is built or measured: one line, exit 3, nothing
// created (was: every run measured, then exit 0 with the check silently missing).

import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IS_ROOT, NEEDS_ROOT, runCliAsNobody } from '../helpers/cli.ts';

describe('--durability-check that cannot run', () => {
  it.skipIf(!IS_ROOT)(`as an unprivileged user: exit 3, one line, no results folder ${NEEDS_ROOT}`, async () => {
    const work = mkdtempSync(join(tmpdir(), 'qcb-dc-'));
    chmodSync(work, 0o777);
    const target = join(work, 'target');
    mkdirSync(target, { mode: 0o777 });
    chmodSync(target, 0o777);
    const out = join(work, 'out');
    const r = await runCliAsNobody(
      ['bench', '--durability-check', '--image-size', '64M', '--image-data', '8M', '--runs', '1'].concat([
        '--target-dir',
        target,
        '--out',
        out,
        '--quiet',
      ]),
      { env: { QCB_CACHE_DIR: join(work, 'cache'), HOME: work } },
    );
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr.trim().split('\n')).toEqual([
      'qemu-cache-bench: error: --durability-check needs root (it mounts a FUSE file system): run as root or leave ' +
        '--durability-check out',
    ]);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(target)).toEqual([]);
    expect(existsSync(join(work, 'cache', 'images'))).toBe(false);
  });
});
