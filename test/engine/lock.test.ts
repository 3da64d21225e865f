import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireLock, LOCK_NAME } from '../../src/engine/lock.ts';

describe('acquireLock', () => {
  it('writes the PID, refuses a live holder, and releases', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qcb-l-'));
    const release = acquireLock(dir, () => {});
    expect(readFileSync(join(dir, LOCK_NAME), 'utf8').trim()).toBe(String(process.pid));
    writeFileSync(join(dir, LOCK_NAME), '1\n'); // PID 1 is always alive
    expect(() => acquireLock(dir, () => {})).toThrow(/in use by another qemu-cache-bench \(PID 1\)/);
    writeFileSync(join(dir, LOCK_NAME), `${process.pid}\n`);
    release();
    expect(existsSync(join(dir, LOCK_NAME))).toBe(false);
  });
  it('takes over a stale lock of a dead PID with a note', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qcb-l-'));
    writeFileSync(join(dir, LOCK_NAME), '999999999\n');
    const notes: string[] = [];
    const release = acquireLock(dir, (m) => notes.push(m));
    expect(notes[0]).toMatch(/taking over a stale lock .*999999999/);
    release();
  });
});
