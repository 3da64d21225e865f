// summary.txt pastes into Launchpad and mailing lists: headline and bullets only, no table, no line starting with
// "|", ASCII, at most 15 lines of at most 100 columns; checked on every committed example.

import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResults } from '../../src/commands/results-file.ts';
import { renderSummary, SUMMARY_MAX_LINES } from '../../src/report/summary-text.ts';
import { verdictLayers } from '../../src/report/verdict-text.ts';
import { ROOT } from '../helpers/cli.ts';

/** Every committed results.json: in each results/example folder, and in the bench and projects folders of the lab ones. */
const examples = readdirSync(join(ROOT, 'results'))
  .filter((n) => n.startsWith('example'))
  .flatMap((n) => [n, ...['bench', 'projects'].map((sub) => `${n}/${sub}`)])
  .filter((n) => existsSync(join(ROOT, 'results', n, 'results.json')));

describe('summary.txt', () => {
  for (const name of examples) {
    it(`${name}: the headline first, no table or "|" line, ASCII, <= 15 lines of <= 100 columns`, () => {
      const results = readResults(join(ROOT, 'results', name, 'results.json'));
      const text = renderSummary(results);
      const lines = text.trimEnd().split('\n');
      expect(lines.length).toBeLessThanOrEqual(SUMMARY_MAX_LINES);
      expect(lines.filter((l) => l.length > 100)).toEqual([]);
      expect(lines.filter((l) => /^\s*[|+]/.test(l))).toEqual([]);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the whole ASCII range
      expect(text).toMatch(/^[\x00-\x7f]*$/);
      const first = results.verdicts[0];
      if (first && !results.emulation) {
        const headline = verdictLayers(results, first).headline.replace(/\s+/g, ' ');
        expect(lines.join(' ').replace(/\s+/g, ' ')).toContain(headline.slice(0, 60));
      }
      expect(lines.at(-1)).toBe(
        'Full report, tables and charts: report.md / report.html (attached); data: results.json.',
      );
    });
  }
});
