import { mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { OutputManager, writeFileAtomic } from '../../src/report/file-writer.ts';

describe('writeFileAtomic', () => {
  it('replaces the file in one step and leaves no temp file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qcb-w-'));
    writeFileAtomic(join(dir, 'a.json'), 'one');
    writeFileAtomic(join(dir, 'a.json'), Buffer.from('two'));
    expect(readFileSync(join(dir, 'a.json'), 'utf8')).toBe('two');
    expect(readdirSync(dir)).toEqual(['a.json']);
  });
});

describe('OutputManager', () => {
  it('writes owned names, creating folders, and refuses to overwrite a file it does not own', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qcb-o-'));
    writeFileSync(join(dir, 'mine.txt'), 'user data');
    const out = new OutputManager(dir, ['results.json', 'charts/']);
    out.write([
      { name: 'results.json', data: '{}' },
      { name: 'charts/real.png', data: Buffer.from([1]) },
    ]);
    out.write([{ name: 'results.json', data: '{"a":1}' }]);
    expect(readFileSync(join(dir, 'results.json'), 'utf8')).toBe('{"a":1}');
    expect(() => out.write([{ name: 'mine.txt', data: 'x' }])).toThrow(
      /exists and was not written by qemu-cache-bench/,
    );
    expect(readFileSync(join(dir, 'mine.txt'), 'utf8')).toBe('user data');
  });
});

describe('symbolic links planted in the results folder', () => {
  it('a link at a name the tool writes is refused, and the file it points to is unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qcb-link-'));
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(dir, 'report.md'));
    const output = new OutputManager(dir, ['report.md']);
    expect(() => output.write([{ name: 'report.md', data: 'report' }])).toThrow(
      `${join(dir, 'report.md')} is a symbolic link; qemu-cache-bench never writes through one: remove it`,
    );
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
  });
  it('temp files get random names, created exclusively: a link at the old predictable name is left alone', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qcb-link-'));
    const victim = join(dir, 'victim.txt');
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, join(dir, `results.json.${process.pid}.tmp`));
    writeFileAtomic(join(dir, 'results.json'), '{}\n');
    expect(readFileSync(join(dir, 'results.json'), 'utf8')).toBe('{}\n');
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(readdirSync(dir).sort()).toEqual(['results.json', `results.json.${process.pid}.tmp`, 'victim.txt'].sort());
  });
});
