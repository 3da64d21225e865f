// report.txt and compare.txt as a plain-text tracker shows them: ASCII bytes only, no line over 100 columns, and every
// table's rows exactly as wide as its borders; wide tables wrap or turn, as worked out by hand below.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../src/analyze/comparison.ts';
import { readResults } from '../../src/commands/results-file.ts';
import { compareDocument } from '../../src/report/compare-report.ts';
import { asciiTable } from '../../src/report/table.ts';
import { renderText, shellLines } from '../../src/report/text.ts';
import { ROOT } from '../helpers/cli.ts';

const EXAMPLES = ['example', 'example-emulated-2ms', 'example-loop', 'example-memory', 'example-durability'];

/** Runs of lines that are table rows or borders ("+" or "|" first), each run one table. */
function tables(text: string): string[][] {
  const found: string[][] = [];
  let table: string[] = [];
  for (const line of [...text.split('\n'), '']) {
    if (/^[+|]/.test(line)) table.push(line);
    else if (table.length) {
      found.push(table);
      table = [];
    }
  }
  return found;
}

function expectPlainText(text: string, leastTables: number): void {
  expect([...Buffer.from(text, 'utf8')].filter((byte) => byte > 0x7e || (byte < 0x20 && byte !== 0x0a))).toEqual([]);
  expect(text.split('\n').filter((line) => line.length > 100)).toEqual([]);
  const all = tables(text);
  expect(all.length).toBeGreaterThanOrEqual(leastTables);
  for (const table of all) {
    const border = (table[0] as string).length;
    expect(table[0]).toMatch(/^\+[-+]+\+$/);
    expect(table.filter((row) => row.length !== border)).toEqual([]);
  }
}

describe('report.txt', () => {
  for (const example of EXAMPLES) {
    it(`results/${example}: ASCII only, no line over 100 columns, every row as wide as its border`, () => {
      expectPlainText(readFileSync(join(ROOT, 'results', example, 'report.txt'), 'utf8'), 8);
    });
  }
});

describe('compare.txt', () => {
  it('of two committed examples: ASCII only (no "…" or "±"), within 100 columns, tables aligned', () => {
    const inputs = ['example', 'example-memory'].map((name) => {
      const path = join(ROOT, 'results', name, 'results.json');
      return { path, label: name, results: readResults(path) };
    });
    expectPlainText(renderText(compareDocument(compareRuns(inputs))), 3);
  });
});

describe('a table wider than 100 columns', () => {
  it('wraps its long cells at word boundaries within the width', () => {
    const long = 'word '.repeat(30).trim();
    const text = asciiTable(['a', 'b'], [['x', long]], false, 40);
    // 40 columns: borders take 3, "a" keeps 3 (padding included), "b" gets the other 34 (32 characters of text).
    expect(text.split('\n')).toEqual([
      '+---+----------------------------------+',
      '| a | b                                |',
      '+---+----------------------------------+',
      '| x | word word word word word word    |',
      '|   | word word word word word word    |',
      '|   | word word word word word word    |',
      '|   | word word word word word word    |',
      '|   | word word word word word word    |',
      '+---+----------------------------------+',
    ]);
  });
  it('whose short values cannot fit side by side is turned: one column per row, one row per column', () => {
    // Values of 14 characters are never wrapped: 11 + 3 x 16 + 5 borders = 64 > 40; turned: 3 + 2 x 16 + 4 = 39.
    const rows = [
      ['writeback', '6.53 s (+/-3%)', '6.55 s (+/-3%)', '157 MB/s (+3%)'],
      ['none', '7.03 s (+/-8%)', '7.05 s (+/-8%)', '146 MB/s (+8%)'],
    ];
    expect(asciiTable(['mode', 'a', 'b', 'c'], rows, false, 40).split('\n')).toEqual([
      '+---+----------------+----------------+',
      '|   | writeback      | none           |',
      '+---+----------------+----------------+',
      '| a | 6.53 s (+/-3%) | 7.03 s (+/-8%) |',
      '+---+----------------+----------------+',
      '| b | 6.55 s (+/-3%) | 7.05 s (+/-8%) |',
      '+---+----------------+----------------+',
      '| c | 157 MB/s (+3%) | 146 MB/s (+8%) |',
      '+---+----------------+----------------+',
    ]);
  });
});

describe('a long command line', () => {
  it('is cut between words, never inside quotes, each line but the last ending in a backslash', () => {
    const line = "npm run bench -- --image '/srv/my images/a b.qcow2' --modes writethrough,writeback --runs 5";
    expect(shellLines(line, 40)).toEqual([
      'npm run bench -- --image \\',
      "  '/srv/my images/a b.qcow2' --modes \\",
      '  writethrough,writeback --runs 5',
    ]);
  });
});
