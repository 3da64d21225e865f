// A results folder that cannot be written is refused before anything is built, measured or created: one line naming
// the folder and the flag to change, exit 3 (was: exit 70 with a stack after every run was measured).

import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { IS_ROOT, NEEDS_ROOT, ROOT, runCliAsNobody } from '../helpers/cli.ts';

/** A world-writable work folder holding a mode-555 folder `locked` (nobody cannot create anything in it). */
function lockedPlace() {
  const work = mkdtempSync(join(tmpdir(), 'qcb-unwritable-'));
  chmodSync(work, 0o777);
  const locked = join(work, 'locked');
  mkdirSync(locked);
  chmodSync(locked, 0o555);
  return { work, locked, env: { QCB_CACHE_DIR: join(work, 'cache'), HOME: work } };
}

const line = (out: string, where: string) =>
  `qemu-cache-bench: error: cannot write the results folder ${out}: ${where} is not writable (EACCES); ` +
  'pass --out a folder you can write';

describe('an unwritable results folder, as an unprivileged user', () => {
  it.skipIf(!IS_ROOT)(
    `bench --out under a mode-555 folder: exit 3, one line, nothing built ${NEEDS_ROOT}`,
    async () => {
      const { work, locked, env } = lockedPlace();
      const out = join(locked, 'run', 'deeper');
      const r = await runCliAsNobody(['bench', '--image-size', '8M', '--image-data', '1M', '--out', out, '-q'], {
        env,
      });
      expect([r.code, r.stderr.trim().split('\n')]).toEqual([3, [line(out, locked)]]);
      expect(readdirSync(locked)).toEqual([]);
      expect(existsSync(join(work, 'cache', 'images'))).toBe(false);
    },
  );

  it.skipIf(!IS_ROOT)(`bench without --out in a read-only working folder: exit 3 ${NEEDS_ROOT}`, async () => {
    const { locked, env } = lockedPlace();
    const r = await runCliAsNobody(['bench', '--image-size', '8M', '--image-data', '1M', '-q'], { env, cwd: locked });
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/^qemu-cache-bench: error: cannot write the results folder \S+\/results\/\S+: /);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(locked)).toEqual([]);
  });

  it.skipIf(!IS_ROOT)(
    `report --out rel and compare --out in a read-only folder: exit 3, nothing created ${NEEDS_ROOT}`,
    async () => {
      const { locked, env } = lockedPlace();
      const results = join(ROOT, 'results', 'example', 'results.json');
      const report = await runCliAsNobody(['report', results, '--out', 'rel', '-q'], { env, cwd: locked });
      expect([report.code, report.stderr.trim().split('\n')]).toEqual([3, [line(join(locked, 'rel'), locked)]]);
      const other = join(ROOT, 'results', 'example-memory', 'results.json');
      const compare = await runCliAsNobody(['compare', results, other, '--out', 'cmp', '-q'], { env, cwd: locked });
      expect([compare.code, compare.stderr.trim().split('\n')]).toEqual([3, [line(join(locked, 'cmp'), locked)]]);
      expect(readdirSync(locked)).toEqual([]);
    },
  );

  it.skipIf(!IS_ROOT)(
    `report beside a results.json in a folder it cannot write: exit 3, no file ${NEEDS_ROOT}`,
    async () => {
      const { work, env } = lockedPlace();
      const copy = join(work, 'copy');
      cpSync(join(ROOT, 'results', 'example'), copy, { recursive: true });
      chmodSync(copy, 0o555);
      chmodSync(join(copy, 'charts'), 0o555);
      const before = readdirSync(copy).sort();
      const r = await runCliAsNobody(['report', join(copy, 'results.json'), '-q'], { env });
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/is not writable \(EACCES\); pass --out a folder you can write/);
      expect(readdirSync(copy).sort()).toEqual(before);
    },
  );
});
