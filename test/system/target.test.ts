// Work folders on the target: each names its owner; those of dead runs are removed, nothing else.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { createWorkDir, removeDeadWorkDirs, removeOutputFile, WORK_OWNER_FILE } from '../../src/system/target.ts';

describe('removeDeadWorkDirs', () => {
  it('removes only work folders whose marker names a dead owner, and counts the bytes they held', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qcb-t-'));
    const dead = join(dir, 'qcb-work-dead');
    mkdirSync(dead);
    writeFileSync(join(dead, WORK_OWNER_FILE), JSON.stringify({ pid: 999999999, startTime: 1, host: hostname() }));
    writeFileSync(join(dead, 'out-writeback.raw'), Buffer.alloc(3 * 1024 * 1024, 1));
    const live = createWorkDir(dir);
    mkdirSync(join(dir, 'qcb-work-unmarked'));
    const other = join(dir, 'keep-me');
    mkdirSync(other);
    writeFileSync(join(other, WORK_OWNER_FILE), JSON.stringify({ pid: 999999999, startTime: 1, host: hostname() }));
    const du = await execa('du', ['-s', '--block-size=1', dead]);
    const expected = Number(du.stdout.split('\t')[0]);
    expect(removeDeadWorkDirs(dir)).toEqual({ count: 1, bytes: expected, killed: [] });
    expect(readdirSync(dir).sort()).toEqual(['keep-me', 'qcb-work-unmarked', live.split('/').pop()].sort());
  });
});

describe('removeOutputFile', () => {
  it('removes a regular file, and never a device node, a FIFO or a folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qcb-rm-'));
    const file = join(dir, 'out.raw');
    writeFileSync(file, 'x');
    const fifo = join(dir, 'fifo');
    await execa('mkfifo', [fifo]);
    mkdirSync(join(dir, 'sub'));
    for (const path of [file, fifo, join(dir, 'sub'), '/dev/null', join(dir, 'missing')]) removeOutputFile(path);
    expect(readdirSync(dir).sort()).toEqual(['fifo', 'sub']);
    expect(existsSync('/dev/null')).toBe(true);
  });
});
