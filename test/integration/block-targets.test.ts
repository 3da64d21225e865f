// Block-device targets with real qemu-img: a loop device over a sparse file (--target-loop) is attached, converted
// onto with -n, verified, and always released (success, SIGINT, kill -9 then the next run); --target-device converts
// onto a device only when confirmed, and refuses without a word written.
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { loadResults } from '../../src/commands/results-file.ts';
import type { Results } from '../../src/model/results.ts';
import { attachedLoops } from '../../src/system/block-target.ts';
import { cliArgv, IS_ROOT, ROOT, runCli } from '../helpers/cli.ts';

const LOOP_REASON = '(needs root: losetup)';
const work = mkdtempSync(join(tmpdir(), 'qcb-block-'));
const cache = join(work, 'cache');
const small = ['--image-size', '64M', '--image-data', '16M', '--no-flush-probe'];

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Loop devices whose backing file lies under `dir`. */
function loopsUnder(dir: string): string[] {
  return attachedLoops()
    .filter((l) => l.backingFile.startsWith(dir))
    .map((l) => l.device);
}

function results(out: string): Results {
  return loadResults(join(out, 'results.json'));
}

describe('--target-loop (real qemu-img)', () => {
  it.skipIf(!IS_ROOT)(
    `converts onto a loop device with -n, verifies, and releases it ${LOOP_REASON}`,
    async () => {
      const dir = mkdtempSync(join(work, 'loop-'));
      const out = join(work, 'out-loop');
      const r = await runCli(
        [
          'bench',
          ...small,
          '--modes',
          'writeback,none',
          '--coroutines',
          '1,8',
          '--out-of-order',
          '--runs',
          '1',
          '--verify',
          '--target-loop',
          dir,
          '--out',
          out,
        ],
        { env: { QCB_CACHE_DIR: cache } },
      );
      expect(r.code, r.stderr).toBe(0);
      const res = results(out);
      expect(res.cases.map((c) => c.id)).toEqual(['m=1', 'm=8']);
      const device = res.cases[0]?.device;
      expect(device?.path).toMatch(/^\/dev\/loop\d+$/);
      expect(device?.sizeBytes).toBe(64 * 1024 ** 2);
      expect(device?.loopFile?.startsWith(`${dir}/qcb-work-`)).toBe(true);
      for (const c of res.cases) expect([c.targetKind, c.options.existingTarget]).toEqual(['loop', true]);
      expect(res.samples).toHaveLength(4);
      for (const s of res.samples) {
        expect(s.state, s.error ?? '').toBe('ok');
        expect(s.verified).toBe(true);
        const argv = s.argv ?? [];
        expect(argv.at(-1)).toBe(device?.path);
        expect(argv).toContain('-n');
        expect(argv).toContain('-W');
        expect(argv[argv.indexOf('-m') + 1]).toBe(s.caseId.slice(2));
      }
      expect(r.stderr).toMatch(/What to choose here: Across 4 durable \(option set, mode\) pairs, the fastest is/);
      expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain(`loop device ${device?.path}, 64.0 MiB`);
      expect(loopsUnder(dir)).toEqual([]);
      expect(readdirSync(dir)).toEqual([]);
    },
    300_000,
  );

  it.skipIf(!IS_ROOT)(
    `releases the loop device and its file on SIGINT mid-run ${LOOP_REASON}`,
    async () => {
      const dir = mkdtempSync(join(work, 'loop-int-'));
      const child = execa(
        'node',
        [
          ...cliArgv(),
          'bench',
          ...small,
          '--modes',
          'writeback,none',
          '--runs',
          '20',
          '--target-loop',
          dir,
          '--out',
          join(work, 'out-int'),
        ],
        { reject: false, env: { QCB_CACHE_DIR: cache }, cwd: ROOT },
      );
      let attached = false;
      child.stderr?.on('data', (chunk: Buffer) => {
        if (/attached \/dev\/loop/.test(String(chunk))) attached = true;
      });
      for (let i = 0; i < 300 && !attached; i++) await new Promise((r) => setTimeout(r, 100));
      expect(attached).toBe(true);
      expect(loopsUnder(dir)).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 1500));
      child.kill('SIGINT');
      const done = await child;
      expect(done.exitCode, String(done.stderr)).toBe(130);
      expect(loopsUnder(dir)).toEqual([]);
      expect(readdirSync(dir)).toEqual([]);
    },
    300_000,
  );

  it.skipIf(!IS_ROOT)(
    `after kill -9, the next run detaches the dead run's loop device ${LOOP_REASON}`,
    async () => {
      const dir = mkdtempSync(join(work, 'loop-kill-'));
      const args = ['bench', ...small, '--modes', 'writeback', '--target-loop', dir];
      const child = execa('node', [...cliArgv(), ...args, '--runs', '50', '--out', join(work, 'out-k1')], {
        reject: false,
        env: { QCB_CACHE_DIR: cache },
        cwd: ROOT,
      });
      for (let i = 0; i < 300 && loopsUnder(dir).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      const [left] = loopsUnder(dir);
      expect(left).toMatch(/^\/dev\/loop\d+$/);
      child.kill('SIGKILL');
      await child;
      await execa('pkill', ['-KILL', '-f', `qemu-img convert .* ${left}$`], { reject: false }); // the one it left running
      expect(loopsUnder(dir)).toEqual([left]);
      const r = await runCli([...args, '--runs', '1', '--out', join(work, 'out-k2')], {
        env: { QCB_CACHE_DIR: cache },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`detached ${left}: loop devices of runs that died`);
      expect(r.stderr).toMatch(/removed 1 work folder of runs that died/);
      expect(loopsUnder(dir)).toEqual([]);
      expect(readdirSync(dir)).toEqual([]);
    },
    300_000,
  );
});

describe('--target-device (real qemu-img)', () => {
  it('without --i-know-this-overwrites: one line, exit 2, nothing written', async () => {
    const device = join(work, 'not-confirmed.img');
    writeFileSync(device, Buffer.alloc(1024 * 1024, 0x5a));
    const before = createHash('sha256').update(readFileSync(device)).digest('hex');
    const out = join(work, 'out-refused');
    const r = await runCli(['bench', ...small, '--target-device', device, '--out', out]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `qemu-cache-bench: error: --target-device ${device} overwrites that device; if you mean it, add ` +
        `--i-know-this-overwrites ${device}`,
    );
    expect(existsSync(out)).toBe(false);
    expect(createHash('sha256').update(readFileSync(device)).digest('hex')).toBe(before);
  });

  it('refuses a confirmed path that is not a block device', async () => {
    const file = join(work, 'plain.img');
    writeFileSync(file, '');
    const r = await runCli(['bench', ...small, '--target-device', file, '--i-know-this-overwrites', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe(
      `qemu-cache-bench: error: --target-device ${file} is not a block device; pass one like /dev/sdX or /dev/vdX`,
    );
  });

  it.skipIf(!IS_ROOT)(
    `converts onto a confirmed block device with -n and verifies ${LOOP_REASON}`,
    async () => {
      const backing = join(work, 'device.img');
      writeFileSync(backing, '');
      await execa('truncate', ['-s', '80M', backing]);
      const { stdout } = await execa('losetup', ['--find', '--show', backing]);
      const device = stdout.trim();
      try {
        const out = join(work, 'out-device');
        const args = ['bench', ...small, '--modes', 'writeback,none', '--runs', '1', '--verify'];
        const r = await runCli([...args, '--target-device', device, '--i-know-this-overwrites', device, '--out', out], {
          env: { QCB_CACHE_DIR: cache },
        });
        expect(r.code, r.stderr).toBe(0);
        const res = results(out);
        expect(res.cases[0]?.targetKind).toBe('device');
        expect(res.cases[0]?.device).toEqual({
          path: device,
          sizeBytes: 80 * 1024 ** 2,
          loopFile: null,
          loopDirectIo: null,
        });
        for (const s of res.samples) {
          expect(s.verified, s.error ?? '').toBe(true);
          expect(s.argv?.slice(-2)).toEqual([res.image.path, device]);
          expect(s.argv).toContain('-n');
        }
        expect(existsSync(device)).toBe(true);
      } finally {
        await execa('losetup', ['--detach', device], { reject: false });
      }
    },
    300_000,
  );
});
