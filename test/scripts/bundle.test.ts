// The offline bundle: built, unpacked, and run with a PATH whose node, npm, npx and cc only fail, so any use of the
// host's Node.js or compiler fails the test. Real qemu-img does the conversions.
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleEnv, CAN_MOUNT_FUSE, ROOT } from '../helpers/cli.ts';

const version = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
const tarball = join(ROOT, 'dist', `qemu-cache-bench-${version}-linux-x64.tar.gz`);
const work = mkdtempSync(join(tmpdir(), 'qcb-bundle-'));
const fakebin = join(work, 'fakebin');
const launcher = join(work, 'qemu-cache-bench', 'qemu-cache-bench');
const env = { PATH: `${fakebin}:${process.env.PATH}`, QCB_CACHE_DIR: join(work, 'cache') };
const run = (args: string[]) => execa(launcher, args, { cwd: work, env, reject: false });

beforeAll(async () => {
  await execa('npm', ['run', '--silent', 'bundle'], { cwd: ROOT, env: bundleEnv() });
  await execa('tar', ['xzf', tarball, '-C', work]);
  mkdirSync(fakebin);
  for (const tool of ['node', 'npm', 'npx', 'tsx', 'cc', 'gcc']) {
    writeFileSync(join(fakebin, tool), `#!/bin/sh\necho "the host's ${tool} must not be used" >&2\nexit 1\n`);
    chmodSync(join(fakebin, tool), 0o755);
  }
}, 300_000);

describe('the bundle (no Node.js, npm or compiler on the host)', () => {
  it('is one tar.gz under 60 MB', () => {
    expect(statSync(tarball).size).toBeLessThan(60 * 1024 * 1024);
  });
  it('is built once per set of inputs: a second build with nothing changed reuses the same file and says so', async () => {
    const before = statSync(tarball);
    const again = await execa('npm', ['run', '--silent', 'bundle'], { cwd: ROOT, env: bundleEnv() });
    expect(again.stdout).toMatch(/^bundle: .*, up to date \(its inputs' hash [0-9a-f]{64} is unchanged\)$/);
    expect([statSync(tarball).ino, statSync(tarball).mtimeMs]).toEqual([before.ino, before.mtimeMs]);
  });
  it('answers --help', async () => {
    const r = await run(['--help']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: qemu-cache-bench bench \[options\]/);
  });
  it('ships the man page and the completions: man reads it, bash completes with it, as the launcher prints them', async () => {
    const share = join(work, 'qemu-cache-bench', 'share');
    const page = join(share, 'man', 'man1', 'qemu-cache-bench.1');
    const man = await execa('man', ['-l', page], { env: { MANPAGER: 'cat' }, reject: false });
    expect(man.stdout).toMatch(/^QEMU-CACHE-BENCH\(1\)/);
    for (const shell of ['bash', 'zsh', 'fish']) {
      const printed = await run(['completions', shell]);
      expect(printed.exitCode, printed.stderr).toBe(0);
      expect(readFileSync(join(share, 'completions', `qemu-cache-bench.${shell}`), 'utf8').trimEnd()).toBe(
        printed.stdout,
      );
    }
    const script = join(share, 'completions', 'qemu-cache-bench.bash');
    const complete = `. ${script}; COMP_WORDS=(qemu-cache-bench bench --durab); COMP_CWORD=2; _qemu_cache_bench; echo "\${COMPREPLY[@]}"`;
    expect((await execa('bash', ['-c', complete], { env })).stdout).toBe('--durability-check');
  });
  it('runs a small bench with emulated flushes and the power-cut check (prebuilt helpers), then report and compare', async () => {
    mkdirSync(join(work, 'target'));
    const args = [
      'bench',
      '--image-size',
      '64M',
      '--image-data',
      '16M',
      '--runs',
      '2',
      '--modes',
      'writethrough,writeback',
    ];
    const r = await run([
      ...args,
      '--emulate-flush-latency',
      '1ms',
      ...(CAN_MOUNT_FUSE ? ['--durability-check'] : []),
      '--target-dir',
      'target',
      '--out',
      'run1',
      '--quiet',
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    for (const f of ['results.json', 'report.md', 'report.txt', 'report.html'])
      expect(existsSync(join(work, 'run1', f)), f).toBe(true);
    const results = JSON.parse(readFileSync(join(work, 'run1', 'results.json'), 'utf8'));
    expect(results.emulation).toBe('EMULATED FLUSH LATENCY 1 ms');
    expect(results.samples.filter((s: { state: string }) => s.state === 'ok')).toHaveLength(4);
    if (CAN_MOUNT_FUSE) {
      // The prebuilt power-cut file system (the host's cc fails): both modes intact after a cut at return.
      const cuts = results.durability.map((d: { mode: string; atReturn: string }) => `${d.mode} ${d.atReturn}`);
      expect(cuts).toEqual(['writethrough intact', 'writeback intact']);
      // The file as saved (not recomputed on reading) calls writeback durable by the check.
      expect([results.recommendations[0].fastest, results.recommendations[0].durableBasis]).toEqual([
        'writeback',
        'power-cut',
      ]);
    }
    const report = await run(['report', 'run1/results.json', '--out', 'rep', '--quiet']);
    expect(report.exitCode, report.stderr).toBe(0);
    expect(existsSync(join(work, 'rep', 'report.md'))).toBe(true);
    // A second file with the same measurement: compare refuses one file named twice, not a copy of it.
    mkdirSync(join(work, 'run1-copy'));
    copyFileSync(join(work, 'run1', 'results.json'), join(work, 'run1-copy', 'results.json'));
    const compare = await run(['compare', 'run1/results.json', 'run1-copy/results.json', '--out', 'cmp', '--quiet']);
    expect(compare.exitCode, compare.stderr).toBe(0);
    expect(readFileSync(join(work, 'cmp', 'compare.md'), 'utf8')).toMatch(/same setup/);
  }, 300_000);
});
