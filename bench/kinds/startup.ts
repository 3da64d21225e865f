// Experiment kind "startup": wall time until a mistyped option is answered, the compiled tool alone and through npm.
import { join } from 'node:path';
import { execa } from 'execa';
import { median } from '../../src/model/quantile.ts';

const ROOT = join(import.meta.dirname, '..', '..');

async function seconds(file: string, args: string[]): Promise<number> {
  const started = process.hrtime.bigint();
  const r = await execa(file, args, { cwd: ROOT, reject: false });
  if (r.exitCode !== 2) throw new Error(`${file} ${args.join(' ')} exited ${r.exitCode}, expected 2: ${r.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/** Runs the experiment; returns the exit code. */
export async function run(
  name: string,
  e: { toolRuns: number; npmRuns: number; toolTargetSeconds: number; npmTargetSeconds: number },
): Promise<number> {
  await execa('npm', ['run', '--silent', 'build'], { cwd: ROOT });
  const tool: number[] = [];
  for (let i = 0; i < e.toolRuns; i++) tool.push(await seconds('node', ['dist/cli/main.js', 'bench', '--bogus']));
  const npm: number[] = [];
  for (let i = 0; i < e.npmRuns; i++) npm.push(await seconds('npm', ['run', 'bench', '--', '--bogus']));
  const t = median(tool);
  const n = median(npm);
  const verdict = (x: number, target: number) => (x <= target ? 'met' : 'MISSED');
  console.log(
    `tool alone: median ${t.toFixed(3)} s over ${tool.length} runs (target ${e.toolTargetSeconds} s): ${verdict(t, e.toolTargetSeconds)}`,
  );
  console.log(
    `through npm: median ${n.toFixed(3)} s over ${npm.length} runs (target ${e.npmTargetSeconds} s): ${verdict(n, e.npmTargetSeconds)}`,
  );
  console.log(`${name} ${t.toFixed(3)} s`);
  return t <= e.toolTargetSeconds && n <= e.npmTargetSeconds ? 0 : 1;
}
