// Safety on a real host where time is the point: timeouts, the guardian's and SIGINT's "within 2 s" (each run's time
// measured by the tool, margins measured on the spot); these run alone. The rest of safety: recovery.test.ts.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli, waitFor } from '../helpers/cli.ts';
import { safetyBench } from '../helpers/safety-bench.ts';
import { loadMarginMs, monotonicMs } from '../helpers/timing.ts';

const { work, env, fakeBench, startSlowConversion, forkingArgs, read } = safetyBench('qcb-safety-');
const leftovers = async () => (await execa('pgrep', ['-f', 'sleep 100000'], { reject: false })).stdout.trim();

describe('timeouts and kills', () => {
  it('--timeout kills a run past it, records it as timed out, and the plan goes on', async () => {
    const out = join(work, 'out-timeout');
    const r = await runCli(fakeBench(out, ['--timeout', '1s']), { env: { ...env, FAKE_QEMU_IMG: 'slow' } });
    expect(r.code, 'nothing measured').toBe(4);
    const results = read(out);
    expect(results.samples.map((s) => s.state)).toEqual(['timed-out', 'timed-out']);
    // Each run's own monotonic wall time, as the tool measured it of qemu-img: killed at 1 s (the slow fake sleeps 30 s).
    const margin = (await loadMarginMs()) / 1000;
    for (const s of results.samples) expect([s.real >= 1, s.real < 1 + margin]).toEqual([true, true]);
    expect(results.samples[0]?.error).toBe('timed out after 1s');
  });

  it('SIGKILL of the tool alone: its guardian kills the qemu-img it left converting within 2 s', async () => {
    const target = join(work, 'orphan-target');
    mkdirSync(target);
    const { first, converting } = await startSlowConversion(target, 'out-orphan-1');
    const orphan = await converting();
    const margin = await loadMarginMs();
    first.kill('SIGKILL'); // the tool alone, as the OOM killer would
    await first;
    const killedAt = monotonicMs();
    // Killed: gone, or a zombie its new parent has not reaped yet (reaping is init's pace, not the guardian's).
    await waitFor(() => processEnded(orphan), 5_000);
    expect(monotonicMs() - killedAt).toBeLessThan(2_000 + margin);
    expect(await converting()).toBe('');
  }, 120_000);

  it('a qemu-img wrapper that forks a hanging child: --timeout 2s ends each run within 3 s, nothing is left', async () => {
    const r = await execa('node', forkingArgs(join(work, 'out-fork-timeout'), ['--timeout', '2s']), {
      cwd: ROOT,
      reject: false,
      env: { ...env, FAKE_QEMU_IMG: 'fork-hang' },
    });
    expect(r.exitCode, r.stderr).toBe(4); // both runs timed out: nothing measured
    const results = read(join(work, 'out-fork-timeout'));
    expect(results.samples.map((s) => s.state)).toEqual(['timed-out', 'timed-out']);
    // Each run's monotonic wall time as the tool measured it: its group sent SIGTERM at 2 s, SIGKILL a second on at most.
    const margin = (await loadMarginMs()) / 1000;
    for (const s of results.samples) expect([s.real >= 2, s.real < 3 + margin]).toEqual([true, true]);
    expect(await leftovers()).toBe('');
  });

  it('the same wrapper: SIGINT ends the tool within 2 s with exit 130, and no process of the run remains', async () => {
    const child = execa('node', forkingArgs(join(work, 'out-fork-sigint'), []), {
      cwd: ROOT,
      reject: false,
      env: { ...env, FAKE_QEMU_IMG: 'fork-hang' },
    });
    for (let i = 0; i < 100 && !(await leftovers()); i++) await new Promise((done) => setTimeout(done, 100));
    expect(await leftovers()).not.toBe('');
    const margin = await loadMarginMs();
    const sent = monotonicMs();
    child.kill('SIGINT');
    const r = await child;
    expect(monotonicMs() - sent).toBeLessThan(2000 + margin);
    expect(r.exitCode, r.stderr).toBe(130);
    expect(await leftovers()).toBe('');
    expect(read(join(work, 'out-fork-sigint')).samples).toEqual([]); // the interrupted run is not a sample
  });
});

/** True when process `pid` has ended: no longer in /proc, or a zombie (state Z) waiting to be reaped. */
function processEnded(pid: string): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}
