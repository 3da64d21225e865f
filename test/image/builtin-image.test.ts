// The built-in image's cache: temporary files of builds that died are removed at the next start, live ones are not.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { removeDeadBuildTemporaries } from '../../src/image/builtin-image.ts';

describe('removeDeadBuildTemporaries', () => {
  it("removes a dead build's .raw.tmp and .tmp, keeps a live build's and every other file", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qcb-cache-'));
    const done = await execa('sh', ['-c', 'echo $$']); // a process that has exited: its PID is dead
    const dead = Number(done.stdout);
    const name = 'default-g1-v64M-d8M-c64K-s3.qcow2';
    const files = {
      deadRaw: `${name}.${dead}.raw.tmp`,
      deadQcow: `${name}.${dead}.tmp`,
      liveRaw: `${name}.${process.pid}.raw.tmp`,
      image: name,
      other: `notes.${dead}.tmp`,
    };
    for (const f of Object.values(files)) writeFileSync(join(dir, f), Buffer.alloc(8192, 1));
    const freed = removeDeadBuildTemporaries(dir);
    expect(freed.count).toBe(2);
    expect(freed.bytes).toBeGreaterThanOrEqual(2 * 8192);
    expect(existsSync(join(dir, files.deadRaw))).toBe(false);
    expect(existsSync(join(dir, files.deadQcow))).toBe(false);
    for (const f of [files.liveRaw, files.image, files.other]) expect(existsSync(join(dir, f)), f).toBe(true);
  });
});
