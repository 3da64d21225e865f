// Interrupting a real bench: SIGINT, SIGTERM and SIGHUP keep finished runs and --resume finishes the plan; Ctrl-C at
// any moment never leaves a failed or interrupted sample. Nothing here is timed: these run beside the unit tests.
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { loadResults } from '../../src/commands/results-file.ts';
import { cliArgv, ROOT, runCli, samplesIn, waitFor } from '../helpers/cli.ts';

const work = mkdtempSync(join(tmpdir(), 'qcb-interrupt-'));
const env = { QCB_CACHE_DIR: join(work, 'cache') };
/** The CLI from the sources, as node's arguments. */
const CLI = cliArgv();
const read = (dir: string) => loadResults(join(dir, 'results.json'));

describe('interruption', () => {
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 130],
    ['SIGHUP', 129],
  ] as const) {
    it(`${signal} kills qemu-img, keeps finished runs, removes the work folder, exits ${code}; --resume finishes the plan`, async () => {
      const target = join(work, `target-${signal}`);
      const out = join(work, `out-${signal}`);
      mkdirSync(target);
      const child = execa(
        'node',
        [
          ...CLI,
          'bench',
          '--image-size',
          '256M',
          '--image-data',
          '32M',
          '--runs',
          '3',
          '--modes',
          'writethrough,writeback',
          '--no-flush-probe',
          '--target-dir',
          target,
          '--out',
          out,
          '--quiet',
        ],
        { cwd: ROOT, env, reject: false },
      );
      await waitFor(() => samplesIn(out) >= 1);
      child.kill(signal);
      const r = await child;
      expect(r.exitCode, r.stderr).toBe(code);
      expect(r.stderr).toMatch(
        /interrupted: \d+ finished runs saved in .*results.json \(complete: false\); continue with --resume/,
      );
      const partial = read(out);
      expect(partial.complete).toBe(false);
      expect(partial.samples.length).toBeGreaterThanOrEqual(1);
      expect(partial.samples.length).toBeLessThan(6);
      expect(partial.samples.every((s) => s.state === 'ok')).toBe(true);
      expect(readdirSync(target)).toEqual([]);
      const resumed = await runCli(['bench', '--resume', out, '--quiet'], { env });
      expect(resumed.code, resumed.stderr).toBe(0);
      const full = read(out);
      expect(full.complete).toBe(true);
      expect(full.samples).toHaveLength(6);
      expect(full.samples.slice(0, partial.samples.length)).toEqual(partial.samples);
      expect(existsSync(join(out, 'report.md'))).toBe(true);
      const again = await runCli(['bench', '--resume', out], { env });
      expect(again.code).toBe(2);
      expect(again.stderr).toMatch(/that run is complete/);
    }, 300_000);
  }
});

describe('Ctrl-C at any moment', () => {
  it('SIGINT to the whole process group, 30 times at varied moments: never a failed or interrupted sample', async () => {
    const loop = async (worker: number) => {
      const outcomes: string[] = [];
      for (let i = 0; i < 10; i++) {
        const target = join(work, `ctrl-c-${worker}-${i}`);
        const out = join(work, `ctrl-c-out-${worker}-${i}`);
        mkdirSync(target);
        const argv = [
          'bench',
          '--image-size',
          '64M',
          '--image-data',
          '8M',
          '--runs',
          '4',
          '--modes',
          'writethrough,writeback',
        ];
        const child = execa(
          'node',
          [...CLI, ...argv, '--no-flush-probe', '--target-dir', target, '--out', out, '--quiet'],
          { cwd: ROOT, env, reject: false, detached: true },
        );
        await waitFor(() => samplesIn(out) >= 1);
        await new Promise((done) => setTimeout(done, (i * 37 + worker * 11) % 120)); // a spread of moments
        process.kill(-(child.pid as number), 'SIGINT'); // as a terminal sends it: to every process of the group
        const r = await child;
        const states = read(out).samples.map((sample) => sample.state);
        outcomes.push(`${r.exitCode} ${states.filter((state) => state !== 'ok').join(',')}`.trim());
        expect(readdirSync(target)).toEqual([]);
      }
      return outcomes;
    };
    const outcomes = (await Promise.all([0, 1, 2].map(loop))).flat();
    expect(outcomes).toHaveLength(30);
    for (const outcome of outcomes) expect(['130', '0']).toContain(outcome);
  }, 600_000);
});
