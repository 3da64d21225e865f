import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../../src/system/spawn.ts';
import { loadMarginMs, monotonicMs } from '../helpers/timing.ts';

const burn = fileURLToPath(new URL('../fixtures/burn.sh', import.meta.url));

describe('runProcess', () => {
  it('reports success, stdout, stderr tail and child CPU time', async () => {
    const r = await runProcess(burn, ['3', '0'], { captureStdout: true });
    expect(r.ok).toBe(true);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('done');
    expect(r.stderrTail).toBe('bye');
    expect(r.userSeconds).toBeGreaterThan(0);
    expect(r.wallSeconds).toBeGreaterThanOrEqual(r.userSeconds * 0.8);
  });

  it('returns a failure in the same shape instead of throwing', async () => {
    const r = await runProcess(burn, ['0', '3']);
    expect(r).toMatchObject({ ok: false, exitCode: 3, timedOut: false, canceled: false, notStarted: false });
  });

  it('flags a timeout and kills the process', async () => {
    const r = await runProcess('sleep', ['10'], { timeoutSeconds: 0.2 });
    expect(r.timedOut).toBe(true);
    expect(r.ok).toBe(false);
    expect(r.wallSeconds).toBeLessThan(5);
  });

  it('flags a missing program as not started', async () => {
    const r = await runProcess('/nonexistent/qemu-img', ['--version']);
    expect(r.notStarted).toBe(true);
    expect(r.ok).toBe(false);
  });

  it('passes arguments without a shell', async () => {
    const r = await runProcess('printf', ['%s', '$(echo hi) "x" \n -y'], { captureStdout: true });
    expect(r.stdout).toBe('$(echo hi) "x" \n -y');
  });

  it('is killed by an abort signal', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const r = await runProcess('sleep', ['10'], { signal: controller.signal });
    expect(r.canceled).toBe(true);
  });

  it('a timeout kills the wrapper and the child it started, which held the pipes, within a second', async () => {
    // A wrapper that runs its child without exec (as distribution shims and nice/ionice wrappers do): the child keeps
    // stderr open after the wrapper is gone, which made the tool wait for pipe EOF forever.
    const margin = await loadMarginMs();
    const started = monotonicMs();
    const r = await runProcess('sh', ['-c', 'sleep 31; exit 0'], { timeoutSeconds: 0.3 });
    expect(r.timedOut).toBe(true);
    expect(monotonicMs() - started).toBeLessThan(1000 + margin);
    const left = await runProcess('pgrep', ['-f', 'sleep 31'], { captureStdout: true });
    expect(left.stdout).toBe('');
  });

  it('an abort ends a forking wrapper and its child within a second', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const margin = await loadMarginMs();
    const started = monotonicMs();
    const r = await runProcess('sh', ['-c', 'sleep 32 & sleep 33; wait'], { signal: controller.signal });
    expect(r.canceled).toBe(true);
    expect(monotonicMs() - started).toBeLessThan(1000 + margin);
    const left = await runProcess('pgrep', ['-f', 'sleep 3[23]'], { captureStdout: true });
    expect(left.stdout).toBe('');
  });

  it('stops waiting for output once the process it started has exited, and ends what it left behind', async () => {
    // The wrapper exits at once; its background child keeps stderr open and would hold it for 34 s.
    const margin = await loadMarginMs();
    const started = monotonicMs();
    const r = await runProcess('sh', ['-c', 'sleep 34 & echo done >&2; exit 3']);
    expect(r.exitCode).toBe(3);
    expect(r.stderrTail).toBe('done');
    expect(monotonicMs() - started).toBeLessThan(1000 + margin);
    const left = await runProcess('pgrep', ['-f', 'sleep 34'], { captureStdout: true });
    expect(left.stdout).toBe('');
  });
});
