// A signal outside a command's own handling ends the process with its kind's code (was: killed by the signal, no exit
// code for the caller: seen once in 30 Ctrl-C's when SIGINT came just after the bench removed its handler).

import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';

/** A process that installs the fallback, says "ready", optionally also listens itself, and waits. */
function waiting(alsoListening: boolean) {
  const signals = join(ROOT, 'src/cli/signals.ts');
  const own = alsoListening ? "process.on('SIGINT', () => { console.log('handled'); process.exit(0); });" : '';
  const code = `import('${signals}').then((m) => { m.exitOnStraySignals(); ${own} console.log('ready'); setTimeout(() => {}, 30000); });`;
  return execa('node', ['--import', 'tsx', '-e', code], { cwd: ROOT, reject: false });
}

async function signalWhenReady(child: ReturnType<typeof waiting>, signal: NodeJS.Signals) {
  await new Promise<void>((resolve) => child.stdout?.on('data', (d: Buffer) => d.includes('ready') && resolve()));
  child.kill(signal);
  return child;
}

describe('exitOnStraySignals', () => {
  it('SIGINT and SIGTERM end the process with 130, SIGHUP with 129', async () => {
    for (const [signal, code] of [
      ['SIGINT', 130],
      ['SIGTERM', 130],
      ['SIGHUP', 129],
    ] as const) {
      const r = await signalWhenReady(waiting(false), signal);
      expect([signal, r.exitCode, r.signal ?? null]).toEqual([signal, code, null]);
    }
  });
  it('stands aside while another listener handles the signal', async () => {
    const r = await signalWhenReady(waiting(true), 'SIGINT');
    expect([r.exitCode, r.stdout.trim().split('\n')]).toEqual([0, ['ready', 'handled']]);
  });
});
