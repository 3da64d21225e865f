// Before any test runs: where the lab will run, its guest (about 4 minutes of debootstrap on a new machine) is built
// in the background, at the lowest CPU and I/O priority, while the unit and integration tests run; the lab's own run
// waits for that build (lab/guest-image.ts). Nothing starts when the lab cannot run here or reads earlier results.
import { spawn, spawnSync } from 'node:child_process';
import { openSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

export default function setup(): (() => void) | undefined {
  const canRun = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v qemu-system-x86_64']).status === 0;
  if (!canRun || process.env.QCB_LAB_OUT) return undefined;
  const log = openSync(join(tmpdir(), 'qcb-lab-prepare.log'), 'w');
  const child = spawn(
    'nice',
    ['-n', '19', 'ionice', '-c', '3', process.execPath, '--import', 'tsx', join(ROOT, 'lab/lab.ts'), 'prepare'],
    { cwd: ROOT, stdio: ['ignore', log, log] },
  );
  return () => {
    if (child.exitCode === null) child.kill('SIGTERM');
  };
}
