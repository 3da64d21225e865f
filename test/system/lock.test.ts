// The target lock: owner with PID and start time, live holders refused, dead ones taken over race-free.
import { existsSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { LockHeldError, UsageError } from '../../src/model/errors.ts';
import { acquireLock, LOCK_NAME } from '../../src/system/lock.ts';
import { processStartTime } from '../../src/system/owner.ts';
import { ROOT, waitFor } from '../helpers/cli.ts';

const owner = (pid: number, startTime: number | null) => JSON.stringify({ pid, startTime, host: hostname() });

describe('acquireLock', () => {
  it('names its owner, refuses a live holder, and releases', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qcb-l-'));
    const release = acquireLock(dir, () => {});
    expect(JSON.parse(readFileSync(join(dir, LOCK_NAME), 'utf8'))).toEqual({
      pid: process.pid,
      startTime: processStartTime(process.pid),
      host: hostname(),
    });
    const mine = readFileSync(join(dir, LOCK_NAME), 'utf8');
    writeFileSync(join(dir, LOCK_NAME), owner(1, processStartTime(1))); // PID 1 is always alive
    expect(() => acquireLock(dir, () => {})).toThrow(new LockHeldError(dir, 1, hostname(), join(dir, LOCK_NAME)));
    writeFileSync(join(dir, LOCK_NAME), '1\n'); // a lock of the older format: a bare PID
    expect(() => acquireLock(dir, () => {})).toThrow(
      `${dir} is in use by another qemu-cache-bench (PID 1 on ${hostname()})`,
    );
    writeFileSync(join(dir, LOCK_NAME), mine);
    release();
    expect(existsSync(join(dir, LOCK_NAME))).toBe(false);
  });
  it('takes over the lock of a dead PID, and of a recycled PID whose start time differs, with a note', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qcb-l-'));
    writeFileSync(join(dir, LOCK_NAME), '999999999\n');
    const notes: string[] = [];
    acquireLock(dir, (m) => notes.push(m))();
    expect(notes[0]).toMatch(/taking over a stale lock .*\(PID 999999999 is gone\)/);
    writeFileSync(join(dir, LOCK_NAME), owner(1, (processStartTime(1) ?? 0) + 12345));
    acquireLock(dir, (m) => notes.push(m))();
    expect(notes[1]).toMatch(/taking over a stale lock .*\(PID 1 is gone\)/);
  });
  it('lets exactly one of two processes take over the same stale lock', async () => {
    // Both wait at a barrier (spinning, so they leave it together) and try at once; each says it has tried, and the
    // winner holds the lock until both have (a winner that exited would leave a stale lock for the other to take).
    const script = `
      import { existsSync, readdirSync, writeFileSync } from 'node:fs';
      import { acquireLock } from './src/system/lock.ts';
      const [dir, barrier] = process.argv.slice(-2);
      writeFileSync(barrier + '/ready-' + process.pid, '');
      while (!existsSync(barrier + '/go')) {}
      let outcome = 'won';
      try { acquireLock(dir, () => {}); } catch { outcome = 'lost'; }
      writeFileSync(barrier + '/tried-' + process.pid, '');
      while (readdirSync(barrier).filter((name) => name.startsWith('tried-')).length < 2) {}
      console.log(outcome);`;
    for (let round = 0; round < 5; round++) {
      const dir = mkdtempSync(join(tmpdir(), 'qcb-race-'));
      const barrier = mkdtempSync(join(tmpdir(), 'qcb-race-barrier-'));
      writeFileSync(join(dir, LOCK_NAME), '999999999\n');
      const run = () =>
        execa('node', ['--import', 'tsx', '--input-type=module', '-e', script, dir, barrier], { cwd: ROOT });
      const both = Promise.all([run(), run()]);
      await waitFor(() => readdirSync(barrier).filter((name) => name.startsWith('ready-')).length === 2, 60_000);
      writeFileSync(join(barrier, 'go'), '');
      const outcomes = (await both).map((r) => r.stdout.trim()).sort();
      expect(outcomes).toEqual(['lost', 'won']);
    }
  }, 120_000);
});

describe('one folder reached by two paths', () => {
  it('is refused as a usage error, not taken over as stale (was: "PID N is gone" of this very run)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qcb-l-'));
    const alias = `${dir}-alias`;
    symlinkSync(dir, alias);
    const notes: string[] = [];
    const release = acquireLock(dir, (n) => notes.push(n));
    expect(() => acquireLock(alias, (n) => notes.push(n))).toThrow(
      new UsageError(`${alias} is a folder this run already uses, reached by another path: name it once`),
    );
    expect(notes).toEqual([]);
    release();
    expect(existsSync(join(dir, LOCK_NAME))).toBe(false);
  });
});

describe('a symbolic link planted at the lock', () => {
  it('is never written through: the file it points to is unchanged, and the lock is taken or refused', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qcb-l-'));
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(dir, `${LOCK_NAME}.${process.pid}.tmp`)); // the old predictable temp name
    const release = acquireLock(dir, () => {});
    release();
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    symlinkSync(victim, join(dir, LOCK_NAME)); // at the lock's own name: read, never written
    try {
      acquireLock(dir, () => {})();
    } catch (error) {
      expect((error as Error).message).not.toMatch(/\n/);
    }
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
  });
});
