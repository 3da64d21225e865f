// Experiment kind "cli": one command of the tool, timed against its target.
import { join } from 'node:path';
import { execa } from 'execa';

/** Runs the experiment; returns the exit code. */
export async function run(name: string, experiment: { argv: string[]; targetSeconds: number }): Promise<number> {
  const started = Date.now();
  const r = await execa(
    'node',
    ['--import', 'tsx', join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts'), ...experiment.argv],
    { stdio: 'inherit', reject: false },
  );
  const seconds = (Date.now() - started) / 1000;
  console.log(
    `${name}: ${seconds.toFixed(1)} s (target ${experiment.targetSeconds} s): ${seconds <= experiment.targetSeconds ? 'met' : 'MISSED'}`,
  );
  return r.exitCode ?? 1;
}
