// keepCacheFile: the whole text or nothing at the path, no temporary file left, no planted name written through.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { keepCacheFile } from '../../src/system/cache-file.ts';

describe('keepCacheFile', () => {
  it('makes the folders, writes the text and replaces an older file, leaving only the file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qcb-cache-file-'));
    const path = join(dir, 'a', 'b', 'kept.txt');
    keepCacheFile(path, 'first\n');
    keepCacheFile(path, 'second\n');
    expect(readFileSync(path, 'utf8')).toBe('second\n');
    expect(readdirSync(join(dir, 'a', 'b'))).toEqual(['kept.txt']);
  });

  it('replaces a symbolic link planted at the path instead of writing through it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qcb-cache-file-'));
    writeFileSync(join(dir, 'victim'), 'untouched\n');
    symlinkSync(join(dir, 'victim'), join(dir, 'kept.txt'));
    keepCacheFile(join(dir, 'kept.txt'), 'mine\n');
    expect(readFileSync(join(dir, 'victim'), 'utf8')).toBe('untouched\n');
    expect(readFileSync(join(dir, 'kept.txt'), 'utf8')).toBe('mine\n');
    expect(readdirSync(dir).sort()).toEqual(['kept.txt', 'victim']);
  });

  it('throws when the rename fails (a folder holds the name) and leaves no temporary file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qcb-cache-file-'));
    mkdirSync(join(dir, 'kept.txt', 'inside'), { recursive: true });
    expect(() => keepCacheFile(join(dir, 'kept.txt'), 'text\n')).toThrow(/EISDIR|ENOTEMPTY|EEXIST/);
    expect(readdirSync(dir)).toEqual(['kept.txt']);
  });

  it('throws when its folder cannot be made (a file holds the name), creating nothing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qcb-cache-file-'));
    writeFileSync(join(dir, 'not-a-folder'), '');
    expect(() => keepCacheFile(join(dir, 'not-a-folder', 'kept.txt'), 'text\n')).toThrow(/ENOTDIR|EEXIST/);
    expect(readdirSync(dir)).toEqual(['not-a-folder']);
  });
});
