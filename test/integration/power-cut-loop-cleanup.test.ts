// kill -9 while the power-cut check of a loop target runs: the next run detaches the dead run's loop device and
// unmounts. Its loop devices are found host-wide (any bench detaches a dead run's loops first), so this runs with the
// integration tests one file at a time: a bench of another test beside it would detach the loop first.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CAN_MOUNT_FUSE, NEEDS_FUSE, ROOT, waitFor } from '../helpers/cli.ts';
import { powerCutBench } from '../helpers/power-cut-bench.ts';

const work = mkdtempSync(join(tmpdir(), 'qcb-power-cut-loop-'));
const { env, argv, mountsUnder, start, read } = powerCutBench(work);

describe('the power-cut check of a loop target leaves nothing attached', () => {
  const SKIP = !CAN_MOUNT_FUSE;
  const WHY = NEEDS_FUSE;
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
