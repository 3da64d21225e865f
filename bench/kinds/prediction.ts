// Experiment kind "prediction": does the probe predict the writethrough penalty? A bench of writethrough and
// writeback, then the penalty predicted from the flush count and the probe's latency against the measured one.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { penaltyPredictions } from '../../src/analyze/prediction.ts';
import { parseResults } from '../../src/model/results.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** Runs the experiment; returns the exit code. */
export async function run(_name: string, e: { argv: string[]; tolerance: number }): Promise<number> {
  await execa('npm', ['run', '--silent', 'build'], { cwd: ROOT });
  const out = join(mkdtempSync(join(tmpdir(), 'qcb-prediction-')), 'run');
  await execa('node', ['dist/cli/main.js', ...e.argv, '--out', out, '--quiet'], { cwd: ROOT, stdio: 'inherit' });
  const results = parseResults(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
  const [p] = penaltyPredictions(results);
  const probe = results.flushProbe[0];
  if (!p || p.ratio === null) {
    console.log('no prediction: the flush count or the probe is missing');
    return 1;
  }
  const fourK = probe?.small ? ((p.flushes ?? 0) * probe.small.medianMs) / 1000 : null;
  console.log(`flushes ${p.flushes}; probe ${p.latencyMs?.toFixed(3)} ms per flush with ${p.probeBytes} B writes`);
  console.log(
    `predicted ${p.predictedSeconds?.toFixed(2)} s, measured ${p.measuredSeconds?.toFixed(2)} s (${p.measuredPerFlushMs?.toFixed(3)} ms per flush)`,
  );
  if (fourK !== null) console.log(`for comparison, the 4 KiB probe would predict ${fourK.toFixed(2)} s`);
  const met = Math.abs(p.ratio - 1) <= e.tolerance;
  console.log(`target within +-${e.tolerance * 100}%: ${met ? 'met' : 'MISSED'}`);
  console.log(`predicted/measured ${p.ratio.toFixed(3)}`);
  return met ? 0 : 1;
}
