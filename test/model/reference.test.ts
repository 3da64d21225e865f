// The figures reports cite from committed evidence equal that evidence.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REAL_POWER_CUT_EVIDENCE, REAL_POWER_CUT_TEXT } from '../../src/model/reference.ts';
import { ROOT } from '../helpers/cli.ts';

describe('the real power-cut evidence every Durability section cites', () => {
  const dir = join(ROOT, 'results', 'example-lab-power-cut');
  const rows = JSON.parse(readFileSync(join(dir, 'power-cut.json'), 'utf8')) as {
    fs: string;
    mode: string;
    cut: string;
    agree: boolean | null;
  }[];
  const lab = JSON.parse(readFileSync(join(dir, 'lab.json'), 'utf8')) as { startedAt: string; guestKernel: string };

  it('counts the committed run: agreed and compared cases, date, kernel, file systems', () => {
    expect(rows.filter((r) => r.agree === true).length).toBe(REAL_POWER_CUT_EVIDENCE.agreed);
    expect(rows.filter((r) => r.agree !== null).length).toBe(REAL_POWER_CUT_EVIDENCE.compared);
    expect(lab.startedAt.slice(0, 10)).toBe(REAL_POWER_CUT_EVIDENCE.date);
    expect(lab.guestKernel).toMatch(/^6\.1\./);
    expect([...new Set(rows.map((r) => r.fs))]).toEqual(['ext4', 'xfs']);
  });

  it('covers every mode on both file systems at both cut points', () => {
    const keys = rows.map((r) => `${r.fs} ${r.mode} ${r.cut}`).sort();
    const expected = ['ext4', 'xfs']
      .flatMap((fs) => ['writethrough', 'writeback', 'none', 'unsafe'].map((m) => `${fs} ${m}`))
      .flatMap((k) => [`${k} at-return`, `${k} mid`])
      .sort();
    expect(keys).toEqual(expected);
  });

  it('is cited with its counts and where it is', () => {
    expect(REAL_POWER_CUT_TEXT).toContain('in 16 of 16 cases on 2026-12-03');
    expect(REAL_POWER_CUT_TEXT).toContain('results/example-lab-power-cut/power-cut.md');
  });
});
