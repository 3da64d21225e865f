// compare of two real runs (one with emulated flush latency): which modes changed, by how much, and the emulation flagged.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../src/analyze/comparison.ts';
import { loadResults } from '../../src/model/results.ts';
import { runCli } from '../helpers/cli.ts';

const fixtures = join(import.meta.dirname, '../fixtures/results');

describe('compareRuns', () => {
  it('aligns modes, computes changes against the first input, and flags unfair differences', () => {
    const a = { label: 'native', path: 'a', results: loadResults(join(fixtures, 'not-reproduced.json')) };
    const b = { label: 'emulated', path: 'b', results: loadResults(join(fixtures, 'reproduced-emulated.json')) };
    const c = compareRuns([a, b]);
    expect(c.rows.map((r) => r.mode)).toEqual(['writethrough', 'writeback', 'none', 'unsafe']);
    expect(c.warnings.join('\n')).toMatch(/different EMULATED flush latency/);
    expect(c.warnings.join('\n')).toMatch(/different source images/);
    expect(c.rows[0]?.cells[1]?.change?.ratio).toBeGreaterThan(0);
  });
});

describe('npm run compare', () => {
  it('writes compare.md, compare.txt and a grouped bar chart', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'qcb-cmp-')), 'cmp');
    const r = await runCli([
      'compare',
      join(fixtures, 'not-reproduced.json'),
      join(fixtures, 'reproduced-emulated.json'),
      '--out',
      out,
    ]);
    expect(r.code, r.stderr).toBe(0);
    const md = readFileSync(join(out, 'compare.md'), 'utf8');
    expect(md).toMatch(/Read this first: what makes this comparison unfair/);
    expect(md).toMatch(/EMULATED/);
    expect(md).toMatch(/Changed significantly against|No mode changed significantly/);
    expect(existsSync(join(out, 'compare.png'))).toBe(true);
    expect(existsSync(join(out, 'compare.txt'))).toBe(true);
  });
  it('needs two inputs', async () => {
    const r = await runCli(['compare', join(fixtures, 'not-reproduced.json')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/compare needs at least two results.json files, got 1/);
  });
});
