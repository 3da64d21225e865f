// Experiment kind "image-job": the tool's whole --image job (compiled, start to results) against hyperfine running the
// same conversions with page-cache drops, alternately, each timed whole from outside: a first job with an empty cache
// (as a user running once on their image: its content identity taken, nothing cached), then a second on the same file.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { cacheRoot } from '../../src/config/paths.ts';
import { ensureDefaultImage } from '../../src/image/builtin-image.ts';
import { median } from '../../src/model/quantile.ts';
import type { BuiltinImageParams } from '../../src/model/results.ts';
import { parseResults } from '../../src/model/results.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** What the experiment's data holds. */
interface ImageJobExperiment {
  image: BuiltinImageParams;
  modes: string[];
  runs: number;
  pairs: number;
  /** The first job (empty cache) / hyperfine, and the second (the same file again) / hyperfine, at most. */
  targetFirst: number;
  targetSecond: number;
}

/** Wall seconds of a command run to its end. */
async function timed(file: string, args: string[], env: Record<string, string> = {}): Promise<number> {
  const started = process.hrtime.bigint();
  const r = await execa(file, args, { cwd: ROOT, env, reject: false, stdio: ['ignore', 'ignore', 'pipe'] });
  if (r.exitCode !== 0) throw new Error(`${file} failed: ${String(r.stderr).split('\n').slice(-3).join(' ')}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Runs the experiment; returns the exit code. */
export async function run(_name: string, e: ImageJobExperiment): Promise<number> {
  await execa('npm', ['run', '--silent', 'build'], { cwd: ROOT });
  const image = (await ensureDefaultImage('qemu-img', e.image, join(cacheRoot(), 'images'), console.log)).path;
  const work = mkdtempSync(join(tmpdir(), 'qcb-image-job-'));
  const target = join(work, 'target');
  mkdirSync(target);
  const tool = (out: string) => [
    'dist/cli/main.js',
    ...['bench', '--image', image, '--modes', e.modes.join(','), '--runs', String(e.runs)],
    ...['--target-dir', target, '--out', join(work, out), '--quiet'],
  ];
  const out = join(target, 'out.raw');
  const hyperfine = [
    ...['--runs', String(e.runs), '--style', 'none', '-L', 'mode', e.modes.join(',')],
    ...['--prepare', `sync; echo 3 > /proc/sys/vm/drop_caches; rm -f ${out}`],
    `qemu-img convert -t {mode} -f qcow2 -O raw ${image} ${out} && sync -f ${out}`,
  ];
  const first: number[] = [];
  const second: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < e.pairs; i++) {
    // An empty cache directory: nothing of this image known, as on a user's first run on their file.
    const env = { QCB_CACHE_DIR: join(work, `cache-${i + 1}`) };
    const job = async (name: string) => {
      const wall = await timed('node', tool(name), env);
      const results = parseResults(JSON.parse(readFileSync(join(work, name, 'results.json'), 'utf8')));
      return { wall, measured: results.samples.reduce((sum, s) => sum + s.real + s.sync, 0) };
    };
    const a = await job(`first-${i + 1}`);
    const hf = await timed('hyperfine', hyperfine);
    const b = await job(`second-${i + 1}`);
    first.push(a.wall);
    second.push(b.wall);
    theirs.push(hf);
    console.log(
      `pair ${i + 1}: first job ${a.wall.toFixed(1)} s (conversions + syncs ${a.measured.toFixed(1)} s), ` +
        `hyperfine ${hf.toFixed(1)} s, second job ${b.wall.toFixed(1)} s (${b.measured.toFixed(1)} s)`,
    );
  }
  rmSync(work, { recursive: true, force: true });
  const firstRatio = median(first) / median(theirs);
  const secondRatio = median(second) / median(theirs);
  const met = firstRatio <= e.targetFirst && secondRatio <= e.targetSecond;
  console.log(
    `targets first job / hyperfine <= ${e.targetFirst}, second <= ${e.targetSecond}: ${met ? 'met' : 'MISSED'}`,
  );
  console.log(
    `first/hyperfine ${firstRatio.toFixed(3)}, second/hyperfine ${secondRatio.toFixed(3)} ` +
      `(medians ${median(first).toFixed(1)} s, ${median(second).toFixed(1)} s / ${median(theirs).toFixed(1)} s)`,
  );
  return met ? 0 : 1;
}
