// Experiment kind "removal-cost": what removing one conversion's output costs between two runs, as the harness does it
// (unlink, `sync`, then waiting until no discard completes for 50 ms), on the default target folder (results/ of the
// checkout) and on two ext4 file systems on loop devices over files in that folder, both mounted with discard, one
// with a journal and one without. Needs root.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { parseResults } from '../../src/model/results.ts';
import { settleDiscards } from '../../src/system/discards.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** What the experiment's data holds. */
interface RemovalCostExperiment {
  /** Outputs made and removed per place. */
  repeats: number;
  /** Each loop file system's size, as mkfs takes it. */
  loopSize: string;
}

/** Seconds `work` took. */
async function timed(work: () => unknown): Promise<number> {
  const started = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** The file system holding `dir`: its device, options and whether ext4 keeps a journal there (from sysfs). */
async function describePlace(dir: string): Promise<string> {
  const { stdout } = await execa('findmnt', ['-n', '-o', 'SOURCE,FSTYPE,OPTIONS', '--target', dir]);
  const [source = '?', type = '?', options = ''] = stdout.trim().split(/\s+/);
  const discard = options.split(',').includes('discard') ? 'discard' : 'no discard';
  let journal = 'journal: not ext4';
  if (type === 'ext4') {
    const task = readFileSync(`/sys/fs/ext4/${source.replace('/dev/', '')}/journal_task`, 'utf8').trim();
    journal = task === '<none>' ? 'no journal' : `journal (${task})`;
  }
  return `${source} ${type}, ${discard}, ${journal}`;
}

/** Converts the image to a raw output in `dir` `repeats` times; each time the output is unlinked, then synced. */
async function measurePlace(image: string, dir: string, repeats: number): Promise<string> {
  const unlinks: number[] = [];
  const syncs: number[] = [];
  const after: number[] = [];
  const dst = join(dir, 'out.raw');
  for (let i = 0; i < repeats; i++) {
    await execa('qemu-img', ['convert', '-t', 'writeback', '-f', 'qcow2', '-O', 'raw', image, dst]);
    await execa('sync');
    await execa('sh', ['-c', 'echo 3 > /proc/sys/vm/drop_caches']);
    unlinks.push(await timed(() => unlinkSync(dst)));
    syncs.push(await timed(() => execa('sync')));
    after.push((await settleDiscards()).seconds);
  }
  const range = (v: number[]) => `${Math.min(...v).toFixed(3)}-${Math.max(...v).toFixed(3)} s`;
  return `unlink ${range(unlinks)}, sync after it ${range(syncs)}, then until no discard for 50 ms ${range(after)}`;
}

/** An ext4 on a loop device over a file in `dir`, mounted with discard; returns the mount point. */
async function loopExt4(dir: string, size: string, journal: boolean): Promise<string> {
  const file = join(dir, journal ? 'journal.img' : 'nojournal.img');
  const mnt = `${file}.mnt`;
  mkdirSync(mnt);
  await execa('truncate', ['-s', size, file]);
  await execa('mkfs.ext4', ['-q', '-F', ...(journal ? [] : ['-O', '^has_journal']), file]);
  await execa('mount', ['-o', 'loop,discard', file, mnt]);
  return mnt;
}

/** Runs the experiment; returns the exit code. */
export async function run(_name: string, e: RemovalCostExperiment): Promise<number> {
  await execa('npm', ['run', '--silent', 'build'], { cwd: ROOT });
  const work = mkdtempSync(join(ROOT, 'results', '.removal-cost-'));
  const mounts: string[] = [];
  try {
    // The built-in image, as the default bench builds and caches it (one short run).
    const first = ['dist/cli/main.js', 'bench', '--runs', '1', '--modes', 'unsafe', '--quiet'];
    await execa('node', [...first, '--out', join(work, 'first')], { cwd: ROOT });
    const image = parseResults(JSON.parse(readFileSync(join(work, 'first', 'results.json'), 'utf8'))).image.path;
    const places: [string, string][] = [['default target folder', work]];
    for (const journal of [true, false]) {
      const mnt = await loopExt4(work, e.loopSize, journal);
      mounts.push(mnt);
      places.push([`loop ext4 ${journal ? 'with' : 'without'} a journal`, mnt]);
    }
    for (const [label, dir] of places) {
      console.log(`${label} (${await describePlace(dir)}): ${await measurePlace(image, dir, e.repeats)}`);
    }
  } finally {
    for (const mnt of mounts) await execa('umount', [mnt], { reject: false });
    rmSync(work, { recursive: true, force: true });
  }
  return 0;
}
