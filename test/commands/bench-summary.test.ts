// The terminal summary fits the terminal it is printed on: its table is never wider than the columns given (was: a
// fixed 120 columns, so an 80-column terminal broke every line of it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findingsOf } from '../../src/analyze/findings.ts';
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
  it('at 80 columns every line fits, words included, and the words are all there (was: a headline of 250 columns)', () => {
    for (const file of ['results/example/results.json', 'results/example-loop/results.json']) {
      const r = parseResults(JSON.parse(readFileSync(join(ROOT, file), 'utf8')));
      const full = { ...r, ...findingsOf(r) };
      const text = terminalSummary(full, '/tmp/x', 80);
      expect(text.split('\n').filter((l) => l.length > 80)).toEqual([]);
      // the words outside the table (whose layout changes with the width) are the same, in the same order
      const words = (t: string) =>
        t
          .split('\n')
          .filter((l) => !/^[┌│├└]/.test(l))
          .join(' ')
          .split(/\s+/)
          .filter(Boolean);
      expect(words(text)).toEqual(words(terminalSummary(full, '/tmp/x', 10_000)));
    }
  });
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

describe('the terminal order and a matrix', () => {
  it('one case: the headline and its bullets first, then the table, then one projects line', () => {
    const text = terminalSummary(results, '/tmp/x', 100);
    const headline = text.indexOf('writeback converts 2.07x faster than writethrough');
    const table = text.indexOf('┌');
    const projects = text.indexOf("Projects' rules here: ");
    expect([headline, headline < table, table < projects]).toEqual([0, true, true]);
    expect(text.match(/Choose here|What to choose here/g)).toEqual(['Choose here']); // the bullet, not a paragraph again
  });
  it("example-loop (-m 1 and -m 8): one summary: the cases' headline once, what changed, one choice, then tables", () => {
    const loop = parseResults(JSON.parse(readFileSync(join(ROOT, 'results/example-loop/results.json'), 'utf8')));
    const text = terminalSummary({ ...loop, ...findingsOf(loop) }, '/tmp/x', 10_000); // lines unwrapped
    const lines = text.split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'writethrough and writeback were not both measured: the 2019 claim cannot be checked here.',
      '',
      expect.stringMatching(
        /^convert options m=8 against m=1 here \(.*\): writeback 0\.70x \(0\.61-0\.80x, m=8 faster\)/,
      ),
    ]);
    expect(text.match(/What to choose here/g)).toHaveLength(1);
    expect(text.indexOf('What to choose here')).toBeGreaterThan(text.lastIndexOf('└'));
    expect(text.match(/^ {2}\[m=(1|8)\] none: /gm)).toHaveLength(2);
  });
  it('--as-projects (example-lab-nfs/projects, 18 cases): one headline with its bullets, not a matrix summary', () => {
    const path = join(ROOT, 'results/example-lab-nfs/projects/results.json');
    const projects = parseResults(JSON.parse(readFileSync(path, 'utf8')));
    const text = terminalSummary({ ...projects, ...findingsOf(projects) }, '/tmp/x', 10_000); // lines unwrapped
    expect(text.split('\n')[0]).toMatch(/^Measured as the projects run it here \(2-CPU TCG guest, NFSv/);
    expect(text.split('\n')[1]).toMatch(/^ {2}- /);
    expect(text.match(/^Measured as the projects run it here/gm)).toHaveLength(1);
  });
});
