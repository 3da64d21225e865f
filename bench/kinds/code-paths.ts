// Experiment kind "code-paths": tinybench times the tool's own JavaScript where its cost grows with the work.
import { join } from 'node:path';
import { Bench } from 'tinybench';
import { compareRuns } from '../../src/analyze/comparison.ts';
import { findingsOf } from '../../src/analyze/findings.ts';
import { mannWhitney } from '../../src/analyze/stats.ts';
import { summarize } from '../../src/analyze/summary.ts';
import { readResults } from '../../src/commands/results-file.ts';
import { seededRandom } from '../../src/model/prng.ts';
import type { Results } from '../../src/model/results.ts';
import { renderReports } from '../../src/report/registry.ts';

const ROOT = join(import.meta.dirname, '..', '..');

interface Experiment {
  runs: number;
  fleetHosts: number;
  exactRunsPerSide: number;
  limitsSeconds: Record<string, number>;
}

/** The committed example with its samples repeated (times jittered) up to `runs` measured runs in all. */
function grown(runs: number): Results {
  const base = readResults(join(ROOT, 'results', 'example', 'results.json'));
  const random = seededRandom(7);
  const perMode = Math.ceil(runs / base.config.modes.length);
  const samples = base.config.modes.flatMap((mode) => {
    const own = base.samples.filter((s) => s.mode === mode && s.state === 'ok');
    return Array.from({ length: perMode }, (_, i) => {
      const s = own[i % own.length] as Results['samples'][number];
      const f = 1 + (random() - 0.5) * 0.2;
      return { ...s, run: i + 1, round: i + 1, real: s.real * f, durable: s.durable * f };
    });
  });
  return { ...base, samples };
}

function summarised(r: Results): Results {
  const summary = summarize(r.samples, ['default'], r.config.modes, r.summary.baseline);
  const withSummary = { ...r, summary };
  return { ...withSummary, ...findingsOf(withSummary) };
}

/** Runs the experiment; returns the exit code. */
export async function run(name: string, e: Experiment): Promise<number> {
  const big = grown(e.runs);
  const done = summarised(big);
  const random = seededRandom(11);
  const side = () => Array.from({ length: e.exactRunsPerSide }, () => 5 + random());
  const fleet = Array.from({ length: e.fleetHosts }, (_, i) => ({ label: `host${i}`, path: `h${i}`, results: done }));
  const bench = new Bench({ time: 2000, iterations: 5, warmup: true });
  bench
    .add('summarise', () => void summarised(big))
    .add('render', async () => void (await renderReports(done, async () => ({ renderBenchCharts: async () => [] }))))
    .add('exact-test', () => void mannWhitney(side(), side()))
    .add('fleet', () => void compareRuns(fleet));
  await bench.run();
  let met = true;
  for (const task of bench.tasks) {
    const result = task.result;
    if (!result || !('latency' in result) || !result.latency) throw new Error(`${task.name}: ${result?.state}`);
    const mean = result.latency.mean / 1000;
    const limit = e.limitsSeconds[task.name] ?? 0;
    met &&= mean <= limit;
    const spread = `+-${result.latency.rme.toFixed(1)}%`;
    const verdict = mean <= limit ? 'met' : 'MISSED';
    console.log(
      `${task.name}: mean ${mean.toFixed(4)} s ${spread} over ${result.latency.samplesCount} ` +
        `(limit ${limit} s): ${verdict}`,
    );
  }
  const slowest = Math.max(
    ...bench.tasks.map((t) => (t.result && 'latency' in t.result ? (t.result.latency?.mean ?? 0) : 0)),
  );
  console.log(`${name} slowest ${(slowest / 1000).toFixed(3)} s`);
  return met ? 0 : 1;
}
