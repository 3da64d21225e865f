// A qemu-img that drops LD_PRELOAD (a wrapper script; setuid and static builds do the same): with emulation every run
// fails as emulation-not-applied (never an "EMULATED" figure that was not emulated); without it the flushes are
// reported as not measured, with the reason on the terminal and in the report. Real qemu-img behind the wrapper.

import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadResults } from '../../src/commands/results-file.ts';
import { runCli } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'qcb-preload-'));
const env = { QCB_CACHE_DIR: join(work, 'cache') };
const wrapper = join(work, 'qemu-img-wrapper');
writeFileSync(wrapper, '#!/bin/sh\nexec env -u LD_PRELOAD qemu-img "$@"\n');
chmodSync(wrapper, 0o755);

function bench(name: string, extra: string[], quiet = true) {
  const target = join(work, `target-${name}`);
  mkdirSync(target);
  const out = join(work, `out-${name}`);
  const args = ['bench', '--qemu-img', wrapper, '--image-size', '64M', '--image-data', '8M', '--runs', '2'];
  const rest = ['--modes', 'writethrough,writeback', '--no-flush-probe', '--target-dir', target];
  return { out, run: runCli([...args, ...rest, '--out', out, ...(quiet ? ['--quiet'] : []), ...extra], { env }) };
}

describe('a qemu-img that drops LD_PRELOAD', () => {
  it('under --emulate-flush-latency: every run failed as emulation-not-applied, exit 4, no emulated figure', async () => {
    const { out, run } = bench('emulated', ['--emulate-flush-latency', '50ms']);
    const r = await run;
    expect(r.code, r.stderr).toBe(4);
    const results = loadResults(join(out, 'results.json'));
    expect(results.samples.map((s) => [s.state, s.failure])).toEqual(
      Array.from({ length: 4 }, () => ['failed', 'emulation-not-applied']),
    );
    expect(results.summary.cases[0]?.modes.map((m) => m.state)).toEqual(['failed', 'failed']);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).not.toMatch(/converts [\d.]+x faster/);
  });
  it('without emulation: the flushes are not measured in 4 runs, said on the terminal and in the report', async () => {
    const { out, run } = bench('plain', [], false);
    const r = await run;
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('the flush meter did not load into qemu-img');
    const results = loadResults(join(out, 'results.json'));
    expect(results.notMeasured.filter((n) => n.code === 'flush-meter-not-loaded')).toEqual([
      { code: 'flush-meter-not-loaded', runs: 4 },
    ]);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain(
      'flushes and the time inside them in 4 timed runs: the meter did not load into qemu-img',
    );
  });
});
