// Inputs that change under a bench: the source written between runs (later rounds would convert other data under
// the first sha256) stops the bench with exit 3, the runs before it kept; a target folder removed during a
// conversion makes that run fail as target-vanished instead of counting as a good run. Real qemu-img throughout.

import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa, execaSync } from 'execa';
import { describe, expect, it } from 'vitest';
import { loadResults } from '../../src/commands/results-file.ts';
import { cliArgv, ROOT, samplesIn, waitFor } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'qcb-changed-'));
const env = { QCB_CACHE_DIR: join(work, 'cache') };

function bench(args: string[]) {
  return execa('node', [...cliArgv(), 'bench', ...args, '--quiet'], {
    cwd: ROOT,
    env,
    reject: false,
  });
}

describe('inputs that change during a bench', () => {
  it('a source written between runs stops the bench: exit 3 naming the change, the runs before it saved', async () => {
    const image = join(work, 'source.qcow2');
    await execa('qemu-img', ['create', '-q', '-f', 'qcow2', image, '64M']);
    await execa('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x11 0 8M', image]);
    const target = join(work, 'target-src');
    mkdirSync(target);
    const out = join(work, 'out-src');
    const child = bench(
      ['--image', image, '--runs', '3', '--modes', 'writethrough,writeback'].concat([
        '--no-flush-probe',
        '--target-dir',
        target,
        '--out',
        out,
      ]),
    );
    await waitFor(() => samplesIn(out) >= 1);
    // qemu-io cannot take the image's write lock while a conversion reads it: retry until it lands between two runs.
    await waitFor(() => {
      const w = execaSync('qemu-io', ['-f', 'qcow2', '-c', 'write -P 0x22 8M 1M', image], { reject: false });
      return w.exitCode === 0;
    }, 60_000);
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(3);
    expect(r.stderr.trim().split('\n').at(-1)).toMatch(
      new RegExp(
        `^qemu-cache-bench: error: the source image ${image} changed during the bench \\(size \\d+, mtime .* -> size \\d+, mtime .*\\); the runs before it are saved: start a new bench on an image nothing writes to$`,
      ),
    );
    const saved = loadResults(join(out, 'results.json'));
    expect(saved.complete).toBe(false);
    // The write lands between two runs (qemu-io waits for the lock): the runs before it are kept, the plan unfinished.
    expect(saved.samples[0]?.state).toBe('ok');
    expect(saved.samples.length).toBeLessThan(6);
    expect(readdirSync(target)).toEqual([]);
  }, 180_000);

  it('a target folder removed during a conversion: that run failed as target-vanished (was: a good run)', async () => {
    const target = join(work, 'target-gone');
    mkdirSync(target);
    const out = join(work, 'out-gone');
    const child = bench(
      ['--image-size', '64M', '--image-data', '16M', '--runs', '1', '--modes', 'writeback'].concat([
        '--rate-limit',
        '4M',
        '--no-flush-probe',
        '--target-dir',
        target,
        '--out',
        out,
      ]),
    );
    await waitFor(() => existsSync(target) && execaSyncFind(target));
    await new Promise((r) => setTimeout(r, 500));
    rmSync(target, { recursive: true, force: true });
    const r = await child;
    expect(r.exitCode, r.stderr).toBe(4);
    const saved = loadResults(join(out, 'results.json'));
    expect(saved.samples.map((s) => [s.state, s.failure])).toEqual([['failed', 'target-vanished']]);
    expect(saved.samples[0]?.error).toMatch(
      /^the output .* was gone when qemu-img returned: the target folder was removed or replaced$/,
    );
  }, 180_000);
});

/** True once qemu-img's output file exists somewhere under `dir` (the conversion is under way). */
function execaSyncFind(dir: string): boolean {
  const r = execaSync('find', [dir, '-name', '*.raw', '-o', '-name', 'out*'], { reject: false });
  return String(r.stdout).trim().length > 0;
}
