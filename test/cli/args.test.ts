// The option parser: known flags parse; random argv always ends in a parse or a one-line UsageError, never a crash.
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/args.ts';
import { UsageError } from '../../src/model/errors.ts';
import { seededRandom } from '../../src/model/prng.ts';

describe('parseCommandLine', () => {
  it('defaults to bench and reads repeated and negative values', () => {
    const a = parseCommandLine(['--runs', '-2', '--target-dir', 'a', '--target-dir', 'b']);
    expect(a.command).toBe('bench');
    expect(a.values.runs).toBe('-2');
    expect(a.values['target-dir']).toEqual(['a', 'b']);
  });
  it('takes positionals for report and compare', () => {
    expect(parseCommandLine(['compare', 'a.json', 'b.json']).positionals).toEqual(['a.json', 'b.json']);
  });
  it('fuzz: random argv gives a result or a one-line UsageError', () => {
    const random = seededRandom(5);
    const words = [
      'bench',
      'report',
      'compare',
      'sweep',
      '--runs',
      '--modes',
      '-q',
      '--json',
      '--image',
      '--',
      '-',
      '---x',
      '--runs=',
      '=',
      'x'.repeat(5000),
      '\n',
      '--help',
      '-h',
      '--seed',
      '-1',
      '$(rm -rf /)',
      '--target-dir',
      '--zz',
    ];
    for (let i = 0; i < 2000; i++) {
      const argv = Array.from(
        { length: Math.floor(random() * 8) },
        () => words[Math.floor(random() * words.length)] as string,
      );
      try {
        parseCommandLine(argv);
      } catch (error) {
        expect(error, JSON.stringify(argv)).toBeInstanceOf(UsageError);
        expect((error as Error).message).not.toMatch(/\n/);
      }
    }
  });
});
