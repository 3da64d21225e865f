// The layering rules (.dependency-cruiser.cjs): src/ passes, and a forbidden import fails with the rule's name.
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const cruise = (path: string) =>
  execa('npx', ['depcruise', path, '--config', '.dependency-cruiser.cjs'], { cwd: ROOT, reject: false });

describe('layering rules', () => {
  it('hold for src/', async () => {
    const r = await cruise('src');
    expect(r.exitCode, r.stdout).toBe(0);
    expect(r.stdout).toMatch(/no dependency violations found/);
  });
  it('fail a model module importing the engine or node:fs, an OS adapter importing the engine, and statistics reading a file, naming each rule', async () => {
    const r = await cruise('test/fixtures/layering/src');
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout).toMatch(
      /error model-imports-nothing: test\/fixtures\/layering\/src\/model\/upward\.ts → test\/fixtures\/layering\/src\/engine\/runner\.ts/,
    );
    expect(r.stdout).toMatch(
      /error pure-statistics-and-renderers: test\/fixtures\/layering\/src\/analyze\/impure\.ts → fs/,
    );
    expect(r.stdout).toMatch(/error pure-model: test\/fixtures\/layering\/src\/model\/reads-files\.ts → fs/);
    // system/ holds the OS adapters under the engine: an adapter importing the scheduler is an arrow upwards
    expect(r.stdout).toMatch(
      /error system-imports-only-model: test\/fixtures\/layering\/src\/system\/adapter\.ts → test\/fixtures\/layering\/src\/engine\/runner\.ts/,
    );
    expect(r.stdout).toMatch(/4 dependency violations \(4 errors/);
  });
});
