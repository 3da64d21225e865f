// The harness's wall/user/sys figures agree with /usr/bin/time on the same real conversion.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDefaultImage } from '../../src/image/builtin-image.ts';
import { convertArgs, DEFAULT_CONVERT_OPTIONS } from '../../src/model/qemu-img-command.ts';
import { runProcess } from '../../src/system/spawn.ts';

const work = mkdtempSync(join(tmpdir(), 'qcb-timing-'));
let image = '';

beforeAll(async () => {
  image = (
    await ensureDefaultImage(
      'qemu-img',
      { virtualSize: 512 * 1024 ** 2, dataSize: 128 * 1024 ** 2, clusterSize: 65536, seed: 5 },
      join(work, 'cache'),
    )
  ).path;
}, 300_000);

/**
 * What starting /usr/bin/time itself costs our wall figure now (it times only its child): the slowest of three runs of
 * `/usr/bin/time true`, whose own %e is 0.00; ~2 ms idle, more under the suite's load.
 */
async function wrapperSeconds(): Promise<number> {
  let slowest = 0;
  for (let i = 0; i < 3; i++) slowest = Math.max(slowest, (await runProcess('/usr/bin/time', ['true'])).wallSeconds);
  return slowest;
}

describe('timing agrees with /usr/bin/time', () => {
  it('within 3% or 20 ms for real (plus starting /usr/bin/time, measured), user and sys', async () => {
    for (const mode of ['writeback', 'writethrough']) {
      const dst = join(work, `out-${mode}.raw`);
      const args = convertArgs({
        mode,
        srcCache: null,
        srcFormat: 'qcow2',
        outFormat: 'raw',
        src: image,
        dst,
        options: DEFAULT_CONVERT_OPTIONS,
      });
      const r = await runProcess('/usr/bin/time', ['-f', 'TIME %e %U %S', 'qemu-img', ...args]);
      rmSync(dst, { force: true });
      expect(r.ok, r.stderrTail).toBe(true);
      const [, e, u, s] = /TIME ([\d.]+) ([\d.]+) ([\d.]+)/.exec(r.stderrTail) as RegExpExecArray;
      // GNU time prints %e, %U and %S truncated to 10 ms, so "0.50" means a value in [0.50, 0.51): measure the
      // distance from that interval.
      const close = (ours: number, theirs: number, extra = 0) => {
        const distance = ours < theirs ? theirs - ours : Math.max(0, ours - (theirs + 0.01 + extra));
        return distance <= Math.max(0.03 * theirs, 0.02);
      };
      const wrapper = await wrapperSeconds();
      expect(close(r.wallSeconds, Number(e), wrapper), `real ${r.wallSeconds} vs ${e} (+${wrapper})`).toBe(true);
      expect(close(r.userSeconds, Number(u)), `user ${r.userSeconds} vs ${u}`).toBe(true);
      expect(close(r.sysSeconds, Number(s)), `sys ${r.sysSeconds} vs ${s}`).toBe(true);
    }
  });
});
