// The power-cut check (--durability-check) interrupted or killed while its FUSE file system is mounted on a directory
// target: nothing is left mounted, and --resume checks only what is left. Nothing here is timed, and what a next run
// cleans up is in its own target folder, so these run beside the unit tests (the loop target's case, whose cleanup is
// host-wide, is in power-cut-loop-cleanup.test.ts).
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { CAN_MOUNT_FUSE, NEEDS_FUSE, ROOT, runCli, waitFor } from '../helpers/cli.ts';
import { powerCutBench } from '../helpers/power-cut-bench.ts';

const work = mkdtempSync(join(tmpdir(), 'qcb-power-cut-cleanup-'));
const { env, argv, mountsUnder, start, read } = powerCutBench(work);

describe('the power-cut check (--durability-check) leaves nothing mounted', () => {
  const SKIP = !CAN_MOUNT_FUSE;
  const WHY = NEEDS_FUSE;
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
});
