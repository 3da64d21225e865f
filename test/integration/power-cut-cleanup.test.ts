// The power-cut check (--durability-check) interrupted or killed while its FUSE file system is mounted: nothing is left
// mounted or attached, and --resume checks only what is left. Nothing here is timed: these run beside the unit tests.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { loadResults } from '../../src/commands/results-file.ts';
import { mountsOfType } from '../../src/system/power-cut-mount.ts';
import { CAN_MOUNT_FUSE, cliArgv, NEEDS_FUSE, ROOT, runCli, waitFor } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'qcb-power-cut-cleanup-'));
const env = { QCB_CACHE_DIR: join(work, 'cache') };
/** The CLI from the sources, as node's arguments. */
const CLI = cliArgv();
const read = (dir: string) => loadResults(join(dir, 'results.json'));

describe('the power-cut check (--durability-check) leaves nothing mounted', () => {
  const SKIP = !CAN_MOUNT_FUSE;
  const WHY = NEEDS_FUSE;
  const argv = (target: string, out: string, modes = 'writethrough,writeback', quiet = ['--quiet'], kind = 'dir') => [
    ...CLI,
    'bench',
    ...['--image-size', '256M', '--image-data', '96M', '--runs', '1', '--modes', modes, '--durability-check'],
    ...['--no-flush-probe', `--target-${kind}`, target, '--out', out, ...quiet],
  ];
  const mountsUnder = (dir: string) => mountsOfType('fuse.qcb-power-cut').filter((p) => p.startsWith(`${dir}/`));
  const start = (name: string, kind = 'dir') => {
    const target = join(work, name);
    mkdirSync(target);
    const child = execa('node', argv(target, join(work, `${name}-out`), 'writethrough,writeback', ['--quiet'], kind), {
      cwd: ROOT,
      env,
      reject: false,
      detached: true,
    });
    return { target, child };
  };

  it.skipIf(SKIP)(
    `SIGINT while its file system is mounted: exit 130, unmounted, the target empty ${WHY}`,
    async () => {
      const { target, child } = start('power-cut-int');
      await waitFor(() => mountsUnder(target).length > 0);
      process.kill(-(child.pid as number), 'SIGINT');
      const r = await child;
      expect(r.exitCode, r.stderr).toBe(130);
      expect(mountsUnder(target)).toEqual([]);
      expect(readdirSync(target)).toEqual([]);
    },
    300_000,
  );

  it.skipIf(SKIP)(
    `kill -9 while mounted: the next run unmounts what it left, says so, and leaves nothing ${WHY}`,
    async () => {
      const { target, child } = start('power-cut-kill');
      await waitFor(() => mountsUnder(target).length > 0);
      const left = mountsUnder(target);
      child.kill('SIGKILL'); // the tool alone: its guardian kills the file system, whose mount stays behind, dead
      await child;
      await new Promise((done) => setTimeout(done, 500));
      expect(mountsUnder(target)).toEqual(left);
      const next = await execa('node', argv(target, join(work, 'power-cut-kill-2'), 'writeback', []), {
        cwd: ROOT,
        env,
        reject: false,
      });
      expect(next.exitCode, next.stderr).toBe(0);
      for (const point of left) expect(next.stderr).toContain(`unmounted ${point}: left mounted by a run that died`);
      expect(mountsUnder(target)).toEqual([]);
      expect(readdirSync(target)).toEqual([]);
      expect(read(join(work, 'power-cut-kill-2')).durability.map((d) => [d.mode, d.atReturn])).toEqual([
        ['writeback', 'intact'],
      ]);
    },
    300_000,
  );
  it.skipIf(SKIP)(
    `Ctrl-C during the checks keeps the measured runs; --resume checks only the modes left ${WHY}`,
    async () => {
      const { target, child } = start('power-cut-resume');
      const out = join(work, 'power-cut-resume-out');
      const checked = () => {
        try {
          return JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')).durability.length;
        } catch {
          return 0;
        }
      };
      await waitFor(() => checked() >= 1);
      process.kill(-(child.pid as number), 'SIGINT');
      expect((await child).exitCode).toBe(130);
      const interrupted = read(out);
      expect(interrupted.complete).toBe(false);
      expect(interrupted.samples.filter((s) => s.state === 'ok')).toHaveLength(2);
      expect(interrupted.durability.map((d) => d.mode)).toEqual(['writethrough']);
      const resumed = await runCli(['bench', '--resume', out, '--quiet'], { env });
      expect(resumed.code, resumed.stderr).toBe(0);
      const done = read(out);
      expect(done.complete).toBe(true);
      expect(done.samples).toHaveLength(2); // nothing measured again
      expect(done.durability.map((d) => `${d.mode} ${d.atReturn}`)).toEqual([
        'writethrough intact',
        'writeback intact',
      ]);
      expect(done.durability[0]).toEqual(interrupted.durability[0]); // the first check kept as it was
      expect(mountsUnder(target)).toEqual([]);
    },
    300_000,
  );

  const powerCutLoops = async (dir: string) =>
    (await execa('losetup', ['--list', '--noheadings', '--output', 'NAME,BACK-FILE'])).stdout
      .split('\n')
      .filter((l) => l.includes(`${dir}/`) && l.includes('/power-cut/mnt/'))
      .map((l) => l.trim().split(/\s+/)[0] as string);

  it.skipIf(SKIP)(
    `kill -9 while a loop target's check runs: the next run detaches its loop and unmounts, leaving nothing ${WHY}`,
    async () => {
      const { target, child } = start('power-cut-loop', 'loop');
      let loops: string[] = [];
      await waitFor(() => {
        void powerCutLoops(target).then((l) => {
          loops = l;
        });
        return loops.length > 0;
      });
      child.kill('SIGKILL');
      await child;
      const next = await execa('node', argv(target, join(work, 'power-cut-loop-2'), 'writeback', [], 'loop'), {
        cwd: ROOT,
        env,
        reject: false,
      });
      expect(next.exitCode, next.stderr).toBe(0);
      expect(next.stderr).toMatch(new RegExp(`detached .*${loops[0]}.*: loop devices of runs that died`));
      expect(next.stderr).toContain('left mounted by a run that died');
      expect(await powerCutLoops(target)).toEqual([]);
      expect(mountsUnder(target)).toEqual([]);
      expect(readdirSync(target)).toEqual([]);
      expect(read(join(work, 'power-cut-loop-2')).durability.map((d) => [d.mode, d.atReturn])).toEqual([
        ['writeback', 'intact'],
      ]);
    },
    300_000,
  );
});
