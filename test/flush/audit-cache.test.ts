// The flush-audit cache: its key changes with every input that determines the counts and with nothing else; a second
// run with the same inputs takes its counts from the cache, equal to strace's (real qemu-img).
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadResults } from '../../src/commands/results-file.ts';
import {
  type AuditKeyInputs,
  auditKey,
  keyInputs,
  readCachedAudit,
  resolveProgram,
  writeCachedAudit,
} from '../../src/flush/audit-cache.ts';
import { DEFAULT_CONVERT_OPTIONS } from '../../src/model/qemu-img-command.ts';
import { runCli } from '../helpers/cli.ts';

const base: AuditKeyInputs = {
  qemuImgVersion: '7.2.22',
  qemuImgSha256: 'a'.repeat(64),
  imageSha256: 'b'.repeat(64),
  mode: 'writethrough',
  srcFormat: 'qcow2',
  outFormat: 'raw',
  srcCache: null,
  options: [],
};

describe('keyInputs of a project command (--as-projects)', () => {
  it('keys its own arguments with the files as placeholders: other commands of a mode differ, other folders do not', () => {
    const build = { version: '7.2.22', sha256: 'a'.repeat(64) };
    const spec = (argv: string[], dst: string) => ({
      mode: 'unsafe',
      srcCache: null,
      srcFormat: 'qcow2',
      outFormat: 'raw',
      src: '/img/a.qcow2',
      dst,
      options: DEFAULT_CONVERT_OPTIONS,
      argv: [...argv, dst],
    });
    const cinder = ['convert', '-O', 'raw', '-f', 'qcow2', '/img/a.qcow2'];
    const cloudstack = ['convert', '-O', 'raw', '-U', '--image-opts', 'driver=qcow2,file.filename=/img/a.qcow2'];
    const key = (argv: string[], dst: string) => auditKey(keyInputs(build, 'b'.repeat(64), spec(argv, dst)));
    expect(keyInputs(build, 'b'.repeat(64), spec(cloudstack, '/t/w1/out.raw')).options).toEqual([
      ...['convert', '-O', 'raw', '-U', '--image-opts', 'driver=qcow2,file.filename={src}', '{dst}'],
    ]);
    expect(key(cinder, '/t/w1/out.raw')).toBe(key(cinder, '/t/w2/out.raw'));
    expect(key(cinder, '/t/w1/out.raw')).not.toBe(key(cloudstack, '/t/w1/out.raw'));
  });
});

describe('auditKey', () => {
  it('is the same for the same inputs and differs when any one of them changes', () => {
    expect(auditKey({ ...base })).toBe(auditKey(base));
    expect(auditKey(base)).toMatch(/^[0-9a-f]{16}$/);
    const changes: Partial<AuditKeyInputs>[] = [
      { qemuImgVersion: '8.2.2' },
      { qemuImgSha256: 'c'.repeat(64) },
      { qemuImgSha256: null },
      { imageSha256: 'd'.repeat(64) },
      { mode: 'writeback' },
      { srcFormat: 'raw' },
      { outFormat: 'qcow2' },
      { srcCache: 'none' },
      { options: ['-W'] },
    ];
    const keys = changes.map((c) => auditKey({ ...base, ...c }));
    expect(new Set([auditKey(base), ...keys]).size).toBe(changes.length + 1);
  });
  it('stores and reads back a successful audit, and never a failed one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qcb-ac-'));
    const audit = {
      caseId: 'default',
      mode: 'writethrough',
      ok: true,
      writes: 10,
      fsync: 0,
      fdatasync: 10,
      syncFileRange: 0,
      openFlags: [],
      failure: null,
      outputBytes: 655360,
      source: 'strace' as const,
      cacheKey: null,
      fromCache: false,
    };
    writeCachedAudit(dir, 'k1', audit);
    expect(readCachedAudit(dir, 'k1')).toEqual(audit);
    writeCachedAudit(dir, 'k2', { ...audit, ok: false });
    expect(readCachedAudit(dir, 'k2')).toBeNull();
    expect(readCachedAudit(dir, 'missing')).toBeNull();
  });
  it('finds the binary a program name runs on PATH', () => {
    expect(resolveProgram('sh', '/nonexistent:/bin')).toBe('/bin/sh');
    expect(resolveProgram('no-such-program-here', '/bin')).toBeNull();
    expect(resolveProgram('/usr/bin/env')).toBe('/usr/bin/env');
  });
});

describe('a second run with the same inputs (real qemu-img)', () => {
  it('with --flush-audit: takes its flush counts from the cache, equal to the strace counts of the first, and converts no extra time', async () => {
    const work = mkdtempSync(join(tmpdir(), 'qcb-ac-run-'));
    const env = { QCB_CACHE_DIR: join(work, 'cache') };
    const target = join(work, 'target');
    mkdirSync(target);
    const args = [
      'bench',
      '--image-size',
      '64M',
      '--image-data',
      '16M',
      '--runs',
      '2',
      '--no-flush-probe',
      '--flush-audit',
      '--target-dir',
      target,
      '--quiet',
    ];
    const first = await runCli([...args, '--out', join(work, 'one')], { env });
    expect(first.code, first.stderr).toBe(0);
    const second = await runCli([...args, '--out', join(work, 'two')], { env });
    expect(second.code, second.stderr).toBe(0);
    const read = (name: string) => loadResults(join(work, name, 'results.json'));
    const [one, two] = [read('one'), read('two')];
    expect(one.flushAudit.map((a) => a.fromCache)).toEqual([false, false, false, false]);
    expect(two.flushAudit.map((a) => a.fromCache)).toEqual([true, true, true, true]);
    const counts = (r: typeof one) =>
      r.flushAudit.map((a) => [a.mode, a.writes, a.fdatasync, a.fsync, a.source, a.cacheKey]);
    expect(counts(two)).toEqual(counts(one));
    expect(one.flushAudit.find((a) => a.mode === 'writethrough')?.fdatasync).toBeGreaterThan(100);
    expect(readdirSync(join(work, 'cache', 'flush-audits'))).toHaveLength(4);
    expect(readFileSync(join(work, 'two', 'report.md'), 'utf8')).toMatch(
      /In this run: 4 taken from the cache \(keys [0-9a-f]{16}, /,
    );
    expect(existsSync(target) && readdirSync(target)).toEqual([]);
  }, 300_000);
});
