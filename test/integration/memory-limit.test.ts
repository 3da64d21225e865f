// Memory-limited runs with real qemu-img: each conversion in a memory cgroup of its own, its peak memory recorded and
// within the limit, the cgroup removed afterwards; a limit too small for qemu-img ends in an OOM kill, a failed run.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadResults } from '../../src/commands/results-file.ts';
import type { Results } from '../../src/model/results.ts';
import { CGROUP_PREFIX, findMemoryCgroupHost } from '../../src/system/memory-cgroup.ts';
import { IS_ROOT, runCli } from '../helpers/cli.ts';

const REASON = '(needs root: memory cgroups)';
const MIB = 1024 ** 2;
const work = mkdtempSync(join(tmpdir(), 'qcb-mem-'));
const cache = join(work, 'cache');

afterAll(() => rmSync(work, { recursive: true, force: true }));

function results(out: string): Results {
  return loadResults(join(out, 'results.json'));
}

/** Our cgroups now present under the host's memory cgroup parent. */
function ourCgroups(): string[] {
  const host = findMemoryCgroupHost();
  return host ? readdirSync(host.parent).filter((n) => n.startsWith(CGROUP_PREFIX)) : [];
}

describe('--memory-limit (real qemu-img)', () => {
  it.skipIf(!IS_ROOT)(
    `64M with writeback on a 256 MiB image: peak recorded within the limit ${REASON}`,
    async () => {
      const before = ourCgroups();
      const out = join(work, 'out-64');
      const r = await runCli(
        [
          'bench',
          ...['--image-size', '256M', '--image-data', '192M', '--modes', 'writeback', '--runs', '2'],
          ...['--memory-limit', '64M', '--no-flush-probe', '--verify', '--out', out],
        ],
        { env: { QCB_CACHE_DIR: cache } },
      );
      expect(r.code, r.stderr).toBe(0);
      const res = results(out);
      expect(res.config.memoryLimitBytes).toBe(64 * MIB);
      expect(res.samples).toHaveLength(2);
      for (const s of res.samples) {
        expect(s.state, s.error ?? '').toBe('ok');
        expect(s.verified === null || s.verified).toBe(true);
        expect(s.memory?.limitBytes).toBe(64 * MIB);
        expect(s.memory?.oomKilled).toBe(false);
        // 192 MiB of data went through the page cache: the cgroup filled to its limit and no further.
        expect(s.memory?.peakBytes).toBeGreaterThan(32 * MIB);
        expect(s.memory?.peakBytes).toBeLessThanOrEqual(64 * MIB);
        expect(s.memory?.peakDirtyBytes).toBeLessThanOrEqual(64 * MIB);
      }
      expect(r.stderr).toMatch(/Memory limit 64\.0 MiB \(a cgroup per conversion\):\n {2}writeback: peak [\d.]+ MiB/);
      expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('## Memory limit 64.0 MiB');
      expect(ourCgroups()).toEqual(before);
    },
    300_000,
  );

  it.skipIf(!IS_ROOT)(
    `a limit too small for qemu-img: the run is OOM-killed, a failed run ${REASON}`,
    async () => {
      const out = join(work, 'out-8');
      // 16 coroutines allocate their buffers at once: the OOM kill comes in seconds, not after minutes of reclaim
      const r = await runCli(
        [
          'bench',
          ...[
            '--image-size',
            '64M',
            '--image-data',
            '48M',
            '--modes',
            'writeback',
            '--runs',
            '1',
            '--timeout',
            '240s',
            '--coroutines',
            '16',
          ],
          ...['--memory-limit', '8M', '--no-flush-probe', '--out', out],
        ],
        { env: { QCB_CACHE_DIR: cache } },
      );
      const res = results(out);
      const [sample] = res.samples;
      expect(sample?.state).toBe('failed');
      expect(sample?.state).toBe('failed');
      expect(sample?.memory?.oomKilled).toBe(true);
      expect(sample?.error).toBe(`killed by the kernel's OOM killer (memory limit 8.0 MiB)`);
      expect(res.summary.cases[0]?.modes[0]?.state).toBe('failed');
      expect(r.stderr).toMatch(
        /writeback: peak 8\.0 MiB \(max 8\.0 MiB\), dirty \+ writeback peak .*, OOM kills 1 of 1/,
      );
    },
    300_000,
  );

  it('a --memory-limit below 4 MiB is one line and exit 2, nothing created', async () => {
    const r = await runCli(['bench', '--memory-limit', '1K', '--out', join(work, 'never')]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('qemu-cache-bench: error: --memory-limit must be at least 4.0 MiB, got 1K');
    expect(existsSync(join(work, 'never'))).toBe(false);
  });
});
