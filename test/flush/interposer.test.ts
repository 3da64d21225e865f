// The flush-delay interposer really delays each flush, counts them, and leaves the conversion's result unchanged.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureInterposer, interposerEnv } from '../../src/flush/interposer.ts';
import { ensureDefaultImage } from '../../src/image/builtin-image.ts';
import { convertArgs, DEFAULT_CONVERT_OPTIONS } from '../../src/model/qemu-img-command.ts';
import { imagesEqual } from '../../src/system/qemu-img.ts';
import { runProcess } from '../../src/system/spawn.ts';

const work = mkdtempSync(join(tmpdir(), 'qcb-interposer-'));
let image = '';
let library = '';

beforeAll(async () => {
  image = (
    await ensureDefaultImage(
      'qemu-img',
      { virtualSize: 128 * 1024 ** 2, dataSize: 16 * 1024 ** 2, clusterSize: 65536, seed: 8 },
      join(work, 'cache'),
    )
  ).path;
  library = await ensureInterposer(join(work, 'cache'));
}, 120_000);

async function convert(mode: string, delayMs: number | null) {
  const dst = join(work, `out-${mode}-${delayMs}.raw`);
  const countFile = join(work, `count-${mode}-${delayMs}`);
  const env = delayMs === null ? {} : interposerEnv(library, delayMs, countFile);
  const r = await runProcess(
    'qemu-img',
    convertArgs({
      mode,
      srcCache: null,
      srcFormat: 'qcow2',
      outFormat: 'raw',
      src: image,
      dst,
      options: DEFAULT_CONVERT_OPTIONS,
    }),
    { env },
  );
  expect(r.ok, r.stderrTail).toBe(true);
  const equal = await imagesEqual('qemu-img', image, dst, 'qcow2', 'raw');
  rmSync(dst, { force: true });
  const counts = delayMs === null ? null : readFileSync(countFile, 'utf8').trim();
  return {
    seconds: r.wallSeconds,
    equal,
    flushes: counts ? Number(/fdatasync (\d+)/.exec(counts)?.[1]) + Number(/fsync (\d+)/.exec(counts)?.[1]) : 0,
  };
}

describe('flush-delay interposer', () => {
  it('makes a writethrough run slower by at least flush count x 5 ms x 0.9', async () => {
    const native = await convert('writethrough', null);
    const delayed = await convert('writethrough', 5);
    expect(delayed.flushes).toBeGreaterThan(50);
    // Runs here vary by up to +-25% (seen: the difference 0.995 s against 0.999 s needed, the native run slow), so the
    // native part may be a quarter shorter in the delayed run; without the delay this still fails by the delay's ~1 s.
    const added = delayed.flushes * 0.005 * 0.9;
    expect(delayed.seconds).toBeGreaterThanOrEqual(native.seconds * 0.75 + added);
    expect(delayed.equal).toBe(true);
  });
  it('counts one flush under writeback and none under unsafe', async () => {
    expect((await convert('writeback', 5)).flushes).toBe(1);
    expect((await convert('unsafe', 5)).flushes).toBe(0);
  });
});
