// The benches the safety tests start: through the fake qemu-img on a small raw image, or a slow real conversion.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { expect } from 'vitest';
import { loadResults } from '../../src/commands/results-file.ts';
import { cliArgv, ROOT } from './cli.ts';

/** A work folder of the test file's own (named `prefix`...), its cache, and the benches started in it. */
export function safetyBench(prefix: string) {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const fake = join(ROOT, 'test/fixtures/fake-qemu-img.sh');
  const env = { QCB_CACHE_DIR: join(work, 'cache') };
  const rawImage = join(work, 'small.raw');
  writeFileSync(rawImage, Buffer.alloc(1024 * 1024, 1));
  /** The CLI from the sources, as node's arguments. */
  const CLI = cliArgv();
  /**
   * bench on the small raw image through the fake qemu-img, no audit or probe: `modes` with `baseline` (null: the
   * default), `runs` each, onto `target`, into `out` (null: the default results folder).
   */
  const fakeArgs = (
    plan: { modes: string; baseline: string | null; runs: number; target: string; out: string | null },
    extra: string[] = [],
  ) => [
    'bench',
    '--qemu-img',
    fake,
    '--image',
    rawImage,
    '--image-format',
    'raw',
    '--modes',
    plan.modes,
    ...(plan.baseline ? ['--baseline', plan.baseline] : []),
    '--runs',
    String(plan.runs),
    '--no-flush-probe',
    '--target-dir',
    plan.target,
    ...(plan.out ? ['--out', plan.out] : []),
    '--quiet',
    ...extra,
  ];
  /** fakeArgs of writeback and unsafe against writeback, one run each, onto the work folder. */
  const fakeBench = (out: string, extra: string[] = []) =>
    fakeArgs({ modes: 'writeback,unsafe', baseline: 'writeback', runs: 1, target: work, out }, extra);
  /** bench of the built-in 64M image (16M of data) onto `target`, one run. */
  const slowBench = (target: string, out: string, extra: string[]) => [
    'bench',
    '--image-size',
    '64M',
    '--image-data',
    '16M',
    '--runs',
    '1',
    '--no-flush-probe',
    '--target-dir',
    target,
    '--out',
    out,
    ...extra,
  ];
  /** Starts a writeback conversion at 1 MiB/s (about 16 s) onto `target` and waits until qemu-img runs. */
  async function startSlowConversion(target: string, out: string) {
    const converting = async () =>
      (await execa('pgrep', ['-f', `qemu-img convert .*${target}`], { reject: false })).stdout.trim();
    const first = execa(
      'node',
      [...CLI, ...slowBench(target, join(work, out), ['--modes', 'writeback', '--rate-limit', '1M'])],
      { cwd: ROOT, reject: false, env },
    );
    for (let i = 0; i < 300 && !(await converting()); i++) await new Promise((done) => setTimeout(done, 100));
    expect(await converting()).toMatch(/^\d+$/);
    return { first, converting };
  }
  const forkingArgs = (out: string, extra: string[]) => [...CLI, ...fakeBench(out, extra)];
  const read = (dir: string) => loadResults(join(dir, 'results.json'));
  return { work, env, CLI, fakeArgs, fakeBench, slowBench, startSlowConversion, forkingArgs, read };
}
