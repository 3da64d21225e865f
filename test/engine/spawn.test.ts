import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runProcess } from '../../src/engine/spawn.ts';

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

  it('with group, a timeout kills the wrapper and the child it started', async () => {
    const marker = `qcb-group-${process.pid}`;
    const r = await runProcess('sh', ['-c', `sleep 31 & echo ${marker} > /dev/null; wait`], {
      timeoutSeconds: 0.3,
      group: true,
    });
    expect(r.timedOut).toBe(true);
    await new Promise((done) => setTimeout(done, 300));
    const left = await runProcess('pgrep', ['-f', 'sleep 31'], { captureStdout: true });
    expect(left.stdout).toBe('');
  });
});
