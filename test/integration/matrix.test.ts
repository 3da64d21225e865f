// A matrix run in one go: two target dirs (disk and tmpfs) x two output formats, each case keyed by a readable id.
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadResults } from '../../src/commands/results-file.ts';
import { chartFile } from '../../src/report/charts/chart-names.ts';
import { runCli } from '../helpers/cli.ts';

describe('matrix: --target-dir disk,tmpfs x --output-format raw,qcow2', () => {
  it('measures every case and writes a table and charts per case', async () => {
    const work = mkdtempSync(join(tmpdir(), 'qcb-matrix-'));
    const disk = join(work, 'disk');
    const shm = mkdtempSync('/dev/shm/qcb-matrix-');
    mkdirSync(disk);
    const out = join(work, 'out');
    const r = await runCli(
      [
        'bench',
        '--image-size',
        '128M',
        '--image-data',
        '16M',
        '--modes',
        'writethrough,writeback',
        '--runs',
        '2',
        '--target-dir',
        disk,
        '--target-dir',
        shm,
        '--output-format',
        'raw,qcow2',
        '--out',
        out,
        '--quiet',
      ],
      { env: { QCB_CACHE_DIR: join(work, 'cache') } },
    );
    expect(r.code, r.stderr).toBe(0);
    const results = loadResults(join(out, 'results.json'));
    const shmName = shm.split('/').pop();
    expect(results.cases.map((c) => c.id)).toEqual([
      `tgt=disk,fmt=raw`,
      `tgt=disk,fmt=qcow2`,
      `tgt=${shmName},fmt=raw`,
      `tgt=${shmName},fmt=qcow2`,
    ]);
    expect(results.cases.map((c) => (c.storage as { fsType: string }).fsType)).toEqual(
      ['ext4', 'ext4', 'tmpfs', 'tmpfs'].map((f, i) => (i < 2 ? expect.any(String) : f)),
    );
    expect(results.samples.filter((s) => s.state === 'ok')).toHaveLength(4 * 2 * 2);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    for (const c of results.cases) {
      expect(md).toContain(`## Results: ${c.id}`);
      expect(existsSync(join(out, chartFile(c.id, 'real')))).toBe(true);
    }
    expect(md).toMatch(/the target is tmpfs, where a flush does nothing/);
    expect(results.flushProbe.map((p) => p.targetDir)).toEqual([disk, shm]);
  }, 300_000);
});
