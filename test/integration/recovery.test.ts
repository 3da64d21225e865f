// Safety on a real host whose outcome does not depend on timing: crash recovery, failing modes, two runs at once, a disk
// that fills, the source left untouched (the timed cases: safety.test.ts; interruption: interruption.test.ts).
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { MACHINE } from '../../src/commands/environment.ts';
import { resolveBenchConfig } from '../../src/config/resolve.ts';
import { measureRequired } from '../../src/system/qemu-img.ts';
import { GUARDIAN_NAME } from '../../src/system/spawn.ts';
import { cliArgv, IS_ROOT, NEEDS_ROOT, ROOT, runCli, runCliAsNobody, samplesIn, waitFor } from '../helpers/cli.ts';
import { safetyBench } from '../helpers/safety-bench.ts';

const { work, env, CLI, fakeArgs, fakeBench, slowBench, startSlowConversion, forkingArgs, read } =
  safetyBench('qcb-recovery-');

describe('crash recovery on the target', () => {
  it("after SIGKILL, the next run takes over the lock, removes the dead run's work folder and says how much it freed", async () => {
    const target = join(work, 'target-kill');
    const out = join(work, 'out-kill');
    mkdirSync(target);
    const args = ['--image-size', '512M', '--image-data', '96M', '--runs', '2', '--modes', 'writethrough,writeback'];
    const quiet = ['--no-flush-probe', '--target-dir', target, '--quiet'];
    const child = execa('node', [...cliArgv(), 'bench', ...args, ...quiet, '--out', out], {
      cwd: ROOT,
      env,
      reject: false,
    });
    const outputs = () =>
      readdirSync(target)
        .filter((n) => n.startsWith('qcb-work-'))
        .flatMap((n) => readdirSync(join(target, n)).map((f) => join(target, n, f)));
    await waitFor(() => outputs().some((f) => f.endsWith('.raw') && statSync(f).size > 0));
    child.kill('SIGKILL');
    await child;
    const left = readdirSync(target).filter((n) => n.startsWith('qcb-work-'));
    expect(left).toHaveLength(1);
    expect(readdirSync(target)).toContain('.qemu-cache-bench.lock');
    const again = await runCli(
      ['bench', ...args, '--no-flush-probe', '--target-dir', target, '--out', join(work, 'out-kill-2')],
      { env },
    );
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/taking over a stale lock in .*target-kill \(PID \d+ is gone\)/);
    expect(again.stderr).toMatch(
      /removed 1 work folder of runs that died from .*target-kill: [\d.]+ (KiB|MiB|GiB) freed/,
    );
    expect(readdirSync(target)).toEqual([]);
    expect(read(join(work, 'out-kill-2')).complete).toBe(true);
  }, 300_000);
});

describe('failures are recorded, not fatal', () => {
  it('a mode qemu-img cannot run is recorded as unsupported with its message; the others go on', async () => {
    const out = join(work, 'out-unsupported');
    const r = await runCli(
      fakeArgs({ modes: 'writethrough,writeback,none', baseline: null, runs: 2, target: work, out }),
      { env: { ...env, FAKE_QEMU_IMG: 'fail-none' } },
    );
    expect(r.code, r.stderr).toBe(0);
    const results = read(out);
    const none = results.summary.cases[0]?.modes.find((m) => m.mode === 'none');
    expect(none?.state).toBe('unsupported');
    expect(none?.error).toMatch(/Invalid argument/);
    expect(results.summary.cases[0]?.modes.find((m) => m.mode === 'writeback')?.state).toBe('measured');
    expect(results.samples.filter((s) => s.mode === 'none').every((s) => s.state === 'failed')).toBe(true);
  });

  it('--on-failure stop ends the plan at the first failed run', async () => {
    const out = join(work, 'out-stop');
    const r = await runCli(
      fakeArgs({ modes: 'none', baseline: 'none', runs: 3, target: work, out }, ['--on-failure', 'stop']),
      { env: { ...env, FAKE_QEMU_IMG: 'fail-none' } },
    );
    expect(r.code, 'nothing measured').toBe(4);
    const results = read(out);
    expect(results.samples).toHaveLength(1);
    expect(results.complete).toBe(false);
  });
});

describe('runs left behind or started together', () => {
  it('SIGKILL of the tool and its guardian: the next run on the target kills the qemu-img left, and says so', async () => {
    const target = join(work, 'orphan-target-2');
    mkdirSync(target);
    const { first, converting } = await startSlowConversion(target, 'out-orphan-2');
    const orphan = await converting();
    const guardians = await execa('pgrep', ['-P', String(first.pid), '-f', GUARDIAN_NAME], { reject: false });
    expect(guardians.stdout.trim()).toMatch(/^\d+$/);
    process.kill(Number(guardians.stdout.trim()), 'SIGKILL');
    first.kill('SIGKILL');
    await first;
    await new Promise((done) => setTimeout(done, 1_000));
    expect(await converting()).toBe(orphan); // nothing left to stop it
    const second = await execa(
      'node',
      [...CLI, ...slowBench(target, join(work, 'out-orphan-3'), ['--modes', 'unsafe'])],
      {
        cwd: ROOT,
        reject: false,
        env,
      },
    );
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stderr).toContain(
      `killed qemu-img (PID ${orphan}): still converting in ${target} for a run that died`,
    );
    expect(await converting()).toBe('');
    expect(readdirSync(target)).toEqual([]);
  }, 120_000);

  it('two runs started together without --out get a folder each, both complete', async () => {
    const cwd = join(work, 'two-runs');
    mkdirSync(cwd);
    const args = (target: string) => [
      ...cliArgv(), // compiled in the checkout: it runs from a folder without node_modules
      ...fakeArgs({ modes: 'writeback', baseline: 'writeback', runs: 2, target, out: null }),
    ];
    mkdirSync(join(cwd, 't1'));
    mkdirSync(join(cwd, 't2'));
    // The default folder is stamped to the second: with the clock shared, both runs ask for the same name.
    const run = (target: string) =>
      execa('node', args(target), { cwd, reject: false, env: { ...env, FAKE_QEMU_IMG: 'ok' } });
    const [a, b] = await Promise.all([run(join(cwd, 't1')), run(join(cwd, 't2'))]);
    expect(a.exitCode, a.stderr).toBe(0);
    expect(b.exitCode, b.stderr).toBe(0);
    const folders = readdirSync(join(cwd, 'results')).filter((f) => !f.startsWith('qcb-work-'));
    expect(folders).toHaveLength(2);
    const targets = folders.map((f) => read(join(cwd, 'results', f)).config.targetDirs[0]).sort();
    expect(targets).toEqual([join(cwd, 't1'), join(cwd, 't2')]);
    for (const f of folders) {
      expect(read(join(cwd, 'results', f)).complete).toBe(true);
      expect(readdirSync(join(cwd, 'results', f))).not.toContain('.qemu-cache-bench.lock');
    }
  });

  it('the same --out for two live runs: the second is refused, the first completes', async () => {
    const out = join(work, 'out-shared');
    const first = execa('node', forkingArgs(out, ['--timeout', '3s']), {
      cwd: ROOT,
      reject: false,
      env: { ...env, FAKE_QEMU_IMG: 'fork-hang' },
    });
    for (let i = 0; i < 100 && !existsSync(join(out, '.qemu-cache-bench.lock')); i++) {
      await new Promise((done) => setTimeout(done, 100));
    }
    const second = await execa('node', forkingArgs(out, []), {
      cwd: ROOT,
      reject: false,
      env: { ...env, FAKE_QEMU_IMG: 'ok' },
    });
    expect(second.exitCode, second.stderr).toBeGreaterThan(1); // usage (folder not empty) or environment (held)
    expect(second.stderr.trim().split('\n')).toHaveLength(1);
    expect(second.stderr).toMatch(/out-shared (is not empty|is in use by another qemu-cache-bench)/);
    const r = await first;
    expect(r.exitCode, r.stderr).toBe(4);
    expect(read(out).samples.map((s) => s.state)).toEqual(['timed-out', 'timed-out']);
  });
});

describe('a disk that fills during the run', () => {
  it.skipIf(!IS_ROOT)(
    `marks the runs that hit ENOSPC failed with the reason, keeps earlier results, removes partial output ${NEEDS_ROOT}`,
    async () => {
      const mnt = join(work, 'small-tmpfs');
      mkdirSync(mnt);
      await execa('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', mnt]);
      try {
        const out = join(work, 'out-full');
        const child = execa(
          'node',
          [
            ...cliArgv(),
            'bench',
            '--image-size',
            '40M',
            '--image-data',
            '24M',
            '--modes',
            'writeback,unsafe',
            '--baseline',
            'writeback',
            '--runs',
            '4',
            '--no-flush-probe',
            '--target-dir',
            mnt,
            '--out',
            out,
            '--quiet',
          ],
          { cwd: ROOT, env, reject: false },
        );
        await waitFor(() => samplesIn(out) >= 1);
        // A run may be writing at this moment; retry until the filler fits.
        await waitFor(() => {
          try {
            writeFileSync(join(mnt, 'filler'), Buffer.alloc(30 * 1024 * 1024, 7));
            return true;
          } catch {
            return false;
          }
        }, 30_000);
        const r = await child;
        expect([0, 4]).toContain(r.exitCode);
        const results = read(out);
        expect(results.samples).toHaveLength(8);
        expect(results.samples[0]?.state).toBe('ok');
        const failed = results.samples.filter((s) => s.state !== 'ok');
        expect(failed.length).toBeGreaterThan(0);
        for (const s of failed) expect(s.error).toMatch(/No space left on device/);
        for (const s of failed) expect(s.failure).toBe('out-of-space');
        // a full disk is a failure named for what it was, never "unsupported" (which would read as O_DIRECT refused)
        for (const m of results.summary.cases[0]?.modes ?? []) expect(m.state).not.toBe('unsupported');
        expect(results.recommendations[0]?.target.odirect).not.toBe('refused');
        expect(readdirSync(mnt)).toEqual(['filler']);
      } finally {
        await execa('umount', [mnt], { reject: false });
      }
    },
    300_000,
  );

  it.skipIf(!IS_ROOT)(
    `--out on a file system that fills: one line, exit 3, results.json kept and named ${NEEDS_ROOT}`,
    async () => {
      const mnt = join(work, 'small-out');
      mkdirSync(mnt);
      await execa('mount', ['-t', 'tmpfs', '-o', 'size=48k', 'tmpfs', mnt]); // results.json fits, the reports do not
      try {
        const out = join(mnt, 'run');
        const r = await runCli(fakeBench(out), { env: { ...env, FAKE_QEMU_IMG: 'ok' } });
        expect(r.code, r.stderr).toBe(3);
        expect(r.stderr.trim().split('\n')).toHaveLength(1);
        expect(r.stderr).toMatch(
          /^qemu-cache-bench: error: cannot write the reports in .*small-out\/run \(ENOSPC: no space left\); results\.json is saved there, complete; render them later with npm run report -- .*small-out\/run\/results\.json$/m,
        );
        expect(read(out).complete).toBe(true);
        expect(readdirSync(out)).not.toContain('.qemu-cache-bench.lock');
      } finally {
        await execa('umount', [mnt], { reject: false });
      }
    },
  );

  it.skipIf(!IS_ROOT)(
    `a 500 GiB thin image with 4 MiB of data passes the space check on a 128 MiB target ${NEEDS_ROOT}`,
    async () => {
      const mnt = join(work, 'thin-tmpfs');
      mkdirSync(mnt);
      const thin = join(work, 'thin.qcow2');
      await execa('qemu-img', ['create', '-q', '-f', 'qcow2', thin, '500G']);
      await execa('qemu-io', ['-c', 'write -P 7 0 4M', thin]);
      await execa('mount', ['-t', 'tmpfs', '-o', 'size=128m', 'tmpfs', mnt]);
      try {
        const measured = await measureRequired('qemu-img', thin, 'qcow2');
        expect(measured).toBeGreaterThan(4 * 1024 ** 2); // its data, plus qcow2 metadata for 500 GiB
        expect(measured).toBeLessThan(128 * 1024 ** 2); // far from its 500 GiB virtual size
        const out = join(work, 'out-thin');
        const values = { image: thin, 'target-dir': [mnt], out, modes: 'writeback', runs: '1' };
        const config = await resolveBenchConfig(values, { env: MACHINE });
        expect(config.spaceCheck).toBe(true);
        // with the virtual size as the need, the same target is refused
        expect(() => MACHINE.freeSpace(mnt, 500 * 1024 ** 3, 'the output')).toThrow(/--skip-space-check/);
      } finally {
        await execa('umount', [mnt], { reject: false });
      }
    },
  );

  it.skipIf(!IS_ROOT)(
    `refuses to start when the target has less free space than the conversion can need ${NEEDS_ROOT}`,
    async () => {
      const mnt = join(work, 'tiny-tmpfs');
      mkdirSync(mnt);
      await execa('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', mnt]);
      try {
        const r = await runCli(
          ['bench', '--image-size', '64M', '--image-data', '8M', '--target-dir', mnt, '--out', join(work, 'out-tiny')],
          { env },
        );
        expect(r.code, 'environment').toBe(3);
        expect(r.stderr.trim()).toMatch(
          /^qemu-cache-bench: error: not enough space in .*tiny-tmpfs: 8.0 MiB free, the output of the built-in image \(its data and metadata\) can need 9.4 MiB; free some space, pass another --target-dir, or --skip-space-check$/,
        );
        expect(readdirSync(mnt)).toEqual([]);
      } finally {
        await execa('umount', [mnt], { reject: false });
      }
    },
    120_000,
  );
});

describe('the source image', () => {
  it('is only read: same sha256 and mtime after a full run', async () => {
    const { createHash } = await import('node:crypto');
    const { statSync, copyFileSync } = await import('node:fs');
    const { ensureDefaultImage } = await import('../../src/image/builtin-image.ts');
    const built = await ensureDefaultImage(
      'qemu-img',
      { virtualSize: 128 * 1024 ** 2, dataSize: 16 * 1024 ** 2, clusterSize: 65536, seed: 4 },
      join(work, 'img'),
    );
    const image = join(work, 'mine.qcow2');
    copyFileSync(built.path, image);
    const before = {
      sha: createHash('sha256').update(readFileSync(image)).digest('hex'),
      mtime: statSync(image).mtimeMs,
    };
    const r = await runCli(
      ['bench', '--image', image, '--runs', '1', '--target-dir', work, '--out', join(work, 'out-src'), '--quiet'],
      { env },
    );
    expect(r.code, r.stderr).toBe(0);
    expect(createHash('sha256').update(readFileSync(image)).digest('hex')).toBe(before.sha);
    expect(statSync(image).mtimeMs).toBe(before.mtime);
    // its content identity, taken from the first raw output's data extents and kept by the file's sha256
    const content = read(join(work, 'out-src')).image.content;
    expect(content?.id).toMatch(/^raw-blocks:[0-9a-f]{64}$/);
    const kept = JSON.parse(readFileSync(join(env.QCB_CACHE_DIR, 'content', `${before.sha}.json`), 'utf8'));
    expect(kept).toEqual(content);
    rmSync(join(work, 'out-src'), { recursive: true });
  }, 120_000);
});

describe('without root', () => {
  it.skipIf(!IS_ROOT)(
    `evicts the source per file instead of dropping caches, and the report says so ${NEEDS_ROOT}`,
    async () => {
      const home = mkdtempSync(join(tmpdir(), 'qcb-nobody-'));
      const { chmodSync } = await import('node:fs');
      chmodSync(home, 0o777);
      const r = await runCliAsNobody(
        [
          'bench',
          '--image-size',
          '64M',
          '--image-data',
          '8M',
          '--runs',
          '1',
          '--modes',
          'writethrough,writeback',
          '--target-dir',
          home,
          '--out',
          join(home, 'out'),
          '--quiet',
        ],
        { env: { HOME: home, QCB_CACHE_DIR: join(home, 'cache') } },
      );
      expect(r.code, r.stderr).toBe(0);
      const results = read(join(home, 'out'));
      expect(new Set(results.samples.map((s) => s.cacheDrop))).toEqual(new Set(['fadvise']));
      expect(results.notMeasured).toContainEqual({ code: 'cold-cache-not-root' });
      expect(readFileSync(join(home, 'out', 'report.md'), 'utf8')).toMatch(
        /## Not measured\n\n- cold-cache times with an empty page cache: not root/,
      );
    },
    120_000,
  );
});
