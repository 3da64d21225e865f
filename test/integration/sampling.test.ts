// Baselines, single-mode runs and sampling to a precision, end to end with real qemu-img on a small image.
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadResults } from '../../src/commands/results-file.ts';
import { samplingText } from '../../src/report/finding-text.ts';
import { runCli } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'qcb-sampling-'));
const env = { QCB_CACHE_DIR: join(work, 'cache') };
const IMAGE = ['--image-size', '64M', '--image-data', '16M', '--no-flush-probe', '--quiet'];

async function bench(name: string, args: string[]) {
  const target = join(work, `${name}-target`);
  mkdirSync(target);
  const out = join(work, name);
  const r = await runCli(['bench', ...IMAGE, ...args, '--target-dir', target, '--out', out], { env });
  const results = existsSync(join(out, 'results.json')) ? loadResults(join(out, 'results.json')) : null;
  return { r, out, results };
}

describe('baselines and single modes (real qemu-img)', () => {
  it('measures against writeback when asked, with writethrough among the modes, and writes every report', async () => {
    const { r, out, results } = await bench('by-writeback', [
      '--modes',
      'writethrough,writeback,unsafe',
      '--baseline',
      'writeback',
      '--runs',
      '2',
    ]);
    expect(r.code, r.stderr).toBe(0);
    for (const f of ['report.md', 'report.txt', 'report.html', 'charts/speedup.png'])
      expect(existsSync(join(out, f)), f).toBe(true);
    const wt = results?.summary.cases[0]?.modes.find((m) => m.mode === 'writethrough');
    expect(wt?.speedup?.ratio).toBeLessThan(1);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toMatch(/speedup vs writeback \(95% interval\)/);
  }, 300_000);
  it('runs a single mode and reports its times without a speedup column or chart', async () => {
    const { r, out, results } = await bench('single', ['--modes', 'writeback', '--runs', '2']);
    expect(r.code, r.stderr).toBe(0);
    expect(results?.summary.baseline).toBeNull();
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).not.toMatch(/speedup vs/);
    expect(md).toMatch(/\| writeback \| \d/);
    expect(existsSync(join(out, 'charts/real.png'))).toBe(true);
    expect(existsSync(join(out, 'charts/speedup.png'))).toBe(false);
  }, 300_000);
});

describe('sampling to a precision (real qemu-img)', () => {
  it('stops at or before --max-runs and records how many runs and why', async () => {
    const { r, out, results } = await bench('precision', [
      '--modes',
      'writethrough,writeback',
      '--precision',
      '10%',
      '--max-runs',
      '8',
      '--min-runs',
      '2',
    ]);
    expect(r.code, r.stderr).toBe(0);
    const sampling = results?.sampling;
    expect(sampling?.rounds).toBeGreaterThanOrEqual(2);
    expect(sampling?.rounds).toBeLessThanOrEqual(8);
    expect(['precision', 'max-runs', 'budget']).toContain(sampling?.stoppedBy);
    const perMode = results?.samples.filter((s) => s.mode === 'writeback' && !s.warmup).length;
    expect(perMode).toBe(sampling?.rounds);
    if (sampling?.stoppedBy === 'precision') expect(sampling.widestHalfWidth).toBeLessThanOrEqual(0.1);
    if (sampling?.stoppedBy === 'max-runs') expect(sampling.rounds).toBe(8);
    expect(results?.config.adaptive).toEqual({ precision: 0.1, minRuns: 2, maxRuns: 8, budgetSeconds: 170 });
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain(
      `Sampling stopped: ${samplingText(results as NonNullable<typeof results>)}.`,
    );
  }, 300_000);
});
