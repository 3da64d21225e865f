import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
