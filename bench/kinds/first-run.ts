// Experiment kind "first-run": the default bench (compiled) with an empty cache directory, as on a fresh host: the
// built-in image is built and no flush audit is cached. How many runs each mode got within the default budget.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { halfWidthShare } from '../../src/analyze/stats.ts';
import { parseResults } from '../../src/model/results.ts';
import { notMeasuredText, samplingText } from '../../src/report/finding-text.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** What the experiment's data holds. */
interface FirstRunExperiment {
  argv: string[];
  targetRuns: number;
  /** The headline's 95% interval (writethrough / writeback) within this share of the ratio, at most. */
  targetHalfWidth: number;
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
  const speedup = results.verdicts[0]?.speedup ?? null;
  const half = halfWidthShare(speedup);
  const headline = speedup
    ? `${speedup.ratio.toFixed(2)}x (95% ${speedup.ciLow?.toFixed(2)}-${speedup.ciHigh?.toFixed(2)}x, ` +
      `+-${((half ?? Number.NaN) * 100).toFixed(1)}%)`
    : 'not measured';
  const enoughRuns = fewest >= e.targetRuns;
  const narrow = half !== null && half <= e.targetHalfWidth;
  console.log(`target at least ${e.targetRuns} runs of every mode: ${enoughRuns ? 'met' : 'MISSED'}`);
  console.log(`target the headline's 95% interval within +-${e.targetHalfWidth * 100}%: ${narrow ? 'met' : 'MISSED'}`);
  console.log(
    `runs per mode: ${modes.map((m, i) => `${m.mode} ${runs[i]?.length}`).join(', ')}; wall ${wall.toFixed(0)} s; ` +
      `headline ${headline}`,
  );
  return enoughRuns && narrow ? 0 : 1;
}
