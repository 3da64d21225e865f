// The terminal summary fits the terminal it is printed on: its table is never wider than the columns given (was: a
// fixed 120 columns, so an 80-column terminal broke every line of it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { picksText, terminalSummary } from '../../src/commands/bench-summary.ts';
import { projectRule } from '../../src/model/project-rules.ts';
import { parseResults } from '../../src/model/results.ts';
import { ROOT } from '../helpers/cli.ts';

const results = parseResults(JSON.parse(readFileSync(join(ROOT, 'results/example/results.json'), 'utf8')));
/** The table's lines: those drawn with its box characters. */
const tableLines = (text: string) => text.split('\n').filter((l) => /^[┌│├└╔║╟╚]/.test(l));

describe('terminalSummary', () => {
  for (const columns of [80, 100, 120]) {
    it(`keeps every table line within ${columns} columns, and keeps every mode and figure`, () => {
      const text = terminalSummary(results, '/tmp/x', columns);
      const lines = tableLines(text);
      expect(lines.length).toBeGreaterThan(4);
      expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(columns);
      for (const mode of ['writethrough', 'writeback', 'none', 'unsafe']) expect(text).toContain(mode);
    });
  }
  it('is 120 columns wide where the width is not known (not a terminal)', () => {
    expect(terminalSummary(results, '/tmp/x')).toBe(terminalSummary(results, '/tmp/x', 120));
  });
});

describe('the projects line', () => {
  it('names each project once by its short name, grouped by the mode its rule picks here, each cost once, <= 40 words', () => {
    const durability = join(ROOT, 'results/example-durability/results.json');
    const r = parseResults(JSON.parse(readFileSync(durability, 'utf8'))).recommendations[0];
    if (!r) throw new Error('the example has a recommendation');
    const text = picksText(r);
    const modes = new Set(r.projects.flatMap((c) => (c.state === 'command' && c.mode ? [c.mode] : [])));
    for (const mode of modes) expect(text.split(`${mode}: `), mode).toHaveLength(2);
    for (const c of r.projects) expect(text.split(projectRule(c.project).short), c.project).toHaveLength(2);
    // each measured mode's cost once: the fastest named, the others as a ratio
    expect(text.match(/the fastest\)/g)?.length).toBe(1);
    expect(text.match(/\d\.\d\dx/g)?.length).toBe(modes.size - 1);
    expect(text.split(/\s+/).length).toBeLessThanOrEqual(40); // was 117 words, every project with its own cost
  });
});
