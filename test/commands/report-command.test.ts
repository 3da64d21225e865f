// npm run report re-renders every report from a saved results.json, without re-running anything.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';

describe('npm run report', () => {
  it('writes report.md, report.txt, report.html and the four charts beside results.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qcb-report-'));
    copyFileSync(join(import.meta.dirname, '../fixtures/results/not-reproduced.json'), join(dir, 'results.json'));
    const r = await runCli(['report', join(dir, 'results.json')]);
    expect(r.code, r.stderr).toBe(0);
    for (const f of [
      'report.md',
      'report.txt',
      'report.html',
      'charts/real.png',
      'charts/breakdown.png',
      'charts/speedup.png',
      'charts/durable.png',
    ])
      expect(existsSync(join(dir, f)), f).toBe(true);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toMatch(/^# qemu-img convert cache modes on vm/);
    const again = await runCli(['report', join(dir, 'results.json')]);
    expect(again.code).toBe(0);
  });
  it('refuses an --out folder that already holds other files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qcb-report-'));
    mkdirSync(join(dir, 'busy'));
    copyFileSync(join(import.meta.dirname, '../fixtures/results/not-reproduced.json'), join(dir, 'busy', 'report.md'));
    const r = await runCli([
      'report',
      join(import.meta.dirname, '../fixtures/results/not-reproduced.json'),
      '--out',
      join(dir, 'busy'),
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/is not empty; pass a new folder/);
  });
});
