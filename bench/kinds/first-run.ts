// Experiment kind "first-run": the default bench (compiled) with an empty cache directory, as on a fresh host: the
// built-in image is built and no flush audit is cached. How many runs each mode got within the default budget.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parseResults } from '../../src/model/results.ts';
import { notMeasuredText, samplingText } from '../../src/report/finding-text.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** What the experiment's data holds. */
interface FirstRunExperiment {
  argv: string[];
  targetRuns: number;
}

/** Runs the experiment; returns the exit code. */
export async function run(_name: string, e: FirstRunExperiment): Promise<number> {
  await execa('npm', ['run', '--silent', 'build'], { cwd: ROOT });
  const work = mkdtempSync(join(tmpdir(), 'qcb-first-run-'));
  const out = join(work, 'run');
  const started = process.hrtime.bigint();
  const r = await execa('node', ['dist/cli/main.js', ...e.argv, '--out', out], {
    cwd: ROOT,
    reject: false,
    env: { QCB_CACHE_DIR: join(work, 'cache') },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const wall = Number(process.hrtime.bigint() - started) / 1e9;
  const results = parseResults(JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')));
  rmSync(join(work, 'cache'), { recursive: true, force: true });
  const modes = results.summary.cases[0]?.modes ?? [];
  const runs = modes.map((m) => results.samples.filter((s) => s.mode === m.mode && s.state === 'ok' && !s.warmup));
  const fewest = Math.min(...runs.map((x) => x.length));
  const measured = results.samples.reduce((sum, s) => sum + s.real + s.sync, 0);
  const build = results.image.buildSeconds ?? 0;
  console.log(`exit ${r.exitCode}; sampling: ${samplingText(results) ?? '-'}`);
  console.log(
    `wall ${wall.toFixed(1)} s: image build ${build.toFixed(1)} s, ` +
      `measured conversions + syncs ${measured.toFixed(1)} s`,
  );
  console.log(
    `flush audits: ${results.flushAudit.length} counted; ${results.notMeasured.map(notMeasuredText).join('; ') || '-'}`,
  );
  const met = fewest >= e.targetRuns;
  console.log(`target at least ${e.targetRuns} runs of every mode: ${met ? 'met' : 'MISSED'}`);
  console.log(`runs per mode: ${modes.map((m, i) => `${m.mode} ${runs[i]?.length}`).join(', ')}`);
  return met ? 0 : 1;
}
