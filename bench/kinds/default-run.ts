// Experiment kind "default-run": the default `npm run bench` (compiled), timed whole under /usr/bin/time, against the
// sum of what it measured (each run's conversion + sync); also the peak memory of the harness (max RSS).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parseResults } from '../../src/model/results.ts';
import { samplingText } from '../../src/report/finding-text.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** What a default-run experiment checks: the time budget or the memory. */
interface DefaultRunExperiment {
  argv: string[];
  report: 'budget' | 'memory';
  targetRatio?: number;
  targetMegabytes?: number;
}

/** Runs the experiment; returns the exit code. */
export async function run(_name: string, e: DefaultRunExperiment): Promise<number> {
  await execa('npm', ['run', '--silent', 'build'], { cwd: ROOT });
  const out = join(mkdtempSync(join(tmpdir(), 'qcb-default-run-')), 'run');
  if (e.report === 'budget') {
    // "Cached" as on a second run: one short run first builds the built-in image and caches what the tool caches.
    const first = ['dist/cli/main.js', ...e.argv, '--runs', '1', '--modes', 'unsafe', '--out', `${out}-first`];
    await execa('node', [...first, '--quiet'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  const started = process.hrtime.bigint();
  const r = await execa('/usr/bin/time', ['-f', 'MAXRSS_KB %M', 'node', 'dist/cli/main.js', ...e.argv, '--out', out], {
    cwd: ROOT,
    reject: false,
    stdio: ['ignore', 'inherit', 'pipe'],
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const rssKb = Number(/MAXRSS_KB (\d+)/.exec(r.stderr ?? '')?.[1]);
  const results = parseResults(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
  const measured = results.samples.reduce((sum, s) => sum + s.real + s.sync, 0);
  const ratio = wall / measured;
  console.log(`exit ${r.exitCode}; ${results.samples.length} runs; sampling: ${samplingText(results) ?? '-'}`);
  console.log(`wall ${wall.toFixed(1)} s, measured conversions + syncs ${measured.toFixed(1)} s (results in ${out})`);
  console.log(`peak RSS of the largest process (node or a child) ${(rssKb / 1024).toFixed(0)} MB`);
  if (e.report === 'memory') {
    const mb = rssKb / 1024;
    console.log(
      `peak RSS ${mb.toFixed(0)} MB (target < ${e.targetMegabytes} MB): ${mb < (e.targetMegabytes ?? 0) ? 'met' : 'MISSED'}`,
    );
    return mb < (e.targetMegabytes ?? 0) ? 0 : 1;
  }
  console.log(`target wall/measured <= ${e.targetRatio}: ${ratio <= (e.targetRatio ?? 0) ? 'met' : 'MISSED'}`);
  console.log(`wall/measured ${ratio.toFixed(3)}`);
  return ratio <= (e.targetRatio ?? 0) ? 0 : 1;
}
