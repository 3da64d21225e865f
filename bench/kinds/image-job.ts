// Experiment kind "image-job": the tool's whole --image job (compiled, start to results) against hyperfine running the
// same conversions with page-cache drops, alternately, each timed whole from outside.
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
  targetRatio: number;
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
  console.log(`first run of the tool on ${image} (caches its content identity and flush counts)`);
  console.log(`  ${(await timed('node', tool('first'))).toFixed(1)} s`);
  const ours: number[] = [];
  const theirs: number[] = [];
  for (let i = 0; i < e.pairs; i++) {
    const name = `job-${i + 1}`;
    const wall = await timed('node', tool(name));
    const results = parseResults(JSON.parse(readFileSync(join(work, name, 'results.json'), 'utf8')));
    const measured = results.samples.reduce((sum, s) => sum + s.real + s.sync, 0);
    ours.push(wall);
    const hf = await timed('hyperfine', hyperfine);
    theirs.push(hf);
    console.log(
      `pair ${i + 1}: the tool ${wall.toFixed(1)} s (measured conversions + syncs ${measured.toFixed(1)} s), hyperfine ${hf.toFixed(1)} s`,
    );
  }
  rmSync(work, { recursive: true, force: true });
  const ratio = median(ours) / median(theirs);
  const met = ratio <= e.targetRatio;
  console.log(`target the tool / hyperfine <= ${e.targetRatio}: ${met ? 'met' : 'MISSED'}`);
  console.log(
    `tool/hyperfine ${ratio.toFixed(3)} (median ${median(ours).toFixed(1)} s / ${median(theirs).toFixed(1)} s)`,
  );
  return met ? 0 : 1;
}
