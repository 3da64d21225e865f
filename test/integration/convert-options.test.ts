// The convert options as matrix axes with real qemu-img: -m, -W, -n --target-is-zero and -r reach qemu-img (the
// recorded argv), each case has its results, and every output equals the source (--verify).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadResults } from '../../src/commands/results-file.ts';
import { runCli } from '../helpers/cli.ts';

describe('convert options (real qemu-img)', () => {
  it('runs --coroutines 1,4 x --out-of-order/--no-out-of-order with --target-is-zero and --rate-limit', async () => {
    const work = mkdtempSync(join(tmpdir(), 'qcb-opts-'));
    const target = join(work, 'target');
    mkdirSync(target);
    const r = await runCli(
      [
        'bench',
        '--image-size',
        '64M',
        '--image-data',
        '16M',
        '--modes',
        'writeback',
        '--runs',
        '1',
        '--coroutines',
        '1,4',
        '--out-of-order',
        '--no-out-of-order',
        '--target-is-zero',
        '--rate-limit',
        '1G',
        '--no-flush-probe',
        '--verify',
        '--target-dir',
        target,
        '--out',
        join(work, 'out'),
        '--quiet',
      ],
      { env: { QCB_CACHE_DIR: join(work, 'cache') } },
    );
    expect(r.code, r.stderr).toBe(0);
    const results = loadResults(join(work, 'out', 'results.json'));
    expect(results.cases.map((c) => c.id)).toEqual(['m=1,W=off', 'm=1,W=on', 'm=4,W=off', 'm=4,W=on']);
    for (const c of results.cases) {
      const [sample] = results.samples.filter((s) => s.caseId === c.id);
      expect(sample?.state, sample?.error ?? '').toBe('ok');
      expect(sample?.verified).toBe(true);
      const argv = sample?.argv ?? [];
      expect(argv.slice(0, 3)).toEqual(['convert', '-t', 'writeback']);
      expect(argv).toContain('--target-is-zero');
      expect(argv[argv.indexOf('-m') + 1]).toBe(String(c.options.coroutines));
      expect(argv.includes('-W')).toBe(c.options.outOfOrder);
      expect(argv[argv.indexOf('-r') + 1]).toBe('1G');
      expect(sample?.flushes?.calls).toBe(1); // the flush meter: writeback's one flush at the end
    }
    expect(readFileSync(join(work, 'out', 'report.md'), 'utf8')).toMatch(/options -n --target-is-zero -m 1 -W -r 1G/);
    expect(readdirSync(target)).toEqual([]);
  }, 300_000);
});
