// A small bench with the power-cut check (--durability-check), for the tests that interrupt or kill it while its FUSE
// file system is mounted.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { loadResults } from '../../src/commands/results-file.ts';
import { mountsOfType } from '../../src/system/power-cut-mount.ts';
import { cliArgv, ROOT } from './cli.ts';

/** The bench's arguments, a way to start it detached, and what to look at afterwards, all under `work`. */
export function powerCutBench(work: string) {
  const env = { QCB_CACHE_DIR: join(work, 'cache') };
  const cli = cliArgv();
  const argv = (target: string, out: string, modes = 'writethrough,writeback', quiet = ['--quiet'], kind = 'dir') => [
    ...cli,
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
  const read = (dir: string) => loadResults(join(dir, 'results.json'));
  return { env, argv, mountsUnder, start, read };
}
