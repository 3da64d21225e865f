// One figure per quantity: every committed example re-rendered, the cost of each project's pick and the runner-up's
// margin are the same ratio and interval wherever report.md shows them, equal to the ratio of geometric means of the
// durable times computed here from the samples; the headline's ratio is the ratio of the geometric means it names.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readResults } from '../../src/commands/results-file.ts';
import type { Results } from '../../src/model/results.ts';
import { APPENDIX_HEADING, benchDocument } from '../../src/report/bench-document.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { ROOT } from '../helpers/cli.ts';

const examples = readdirSync(join(ROOT, 'results'))
  .filter((n) => n.startsWith('example'))
  .flatMap((n) => [n, ...['bench', 'projects'].map((sub) => `${n}/${sub}`)])
  .filter((n) => existsSync(join(ROOT, 'results', n, 'results.json')));

/** Geometric mean of one mode's durable (or wall) times in a case, computed here, not by the code under test. */
function geo(results: Results, caseId: string, mode: string, key: 'durable' | 'real'): number {
  const xs = results.samples.filter((s) => s.caseId === caseId && s.mode === mode && s.state === 'ok' && !s.warmup);
  return Math.exp(xs.reduce((a, s) => a + Math.log(s[key]), 0) / xs.length);
}

/** The markdown table rows of the projects' table (grouped by what they run here): cells by column name. */
function projectRows(md: string): Record<string, string>[] {
  const lines = md.split('\n');
  const head = lines.findIndex((l) => l.startsWith('| runs here | projects |'));
  if (head < 0) return [];
  const names = (lines[head] as string).split(' | ').map((c) => c.replace(/^\| |\s*\|$/g, ''));
  const rows: Record<string, string>[] = [];
  for (const line of lines.slice(head + 2)) {
    if (!line.startsWith('|')) break;
    const cells = line.slice(2, -2).split(' | ');
    rows.push(Object.fromEntries(names.map((n, i) => [n, cells[i] ?? ''])));
  }
  return rows;
}

describe('report.md: one figure per quantity', () => {
  for (const name of examples) {
    it(`${name}: each project's cost is the ratio of geometric means of durable times, the same in every row`, () => {
      const results = readResults(join(ROOT, 'results', name, 'results.json'));
      const md = renderMarkdown(benchDocument(results));
      const [first] = results.summary.cases;
      const recommendation = results.recommendations.find((r) => r.caseId === first?.caseId);
      const rows = projectRows(md);
      if (!first || !recommendation?.fastest || !rows.length) return;
      const best = geo(results, first.caseId, recommendation.fastest, 'durable');
      const cost = 'time to durable against the fastest durable mode';
      // one row per mode: each mode's cost is shown once
      expect(new Set(rows.map((r) => r['runs here'])).size).toBe(rows.length);
      for (const row of rows) {
        const mode = row['runs here'] as string;
        const measured = first.modes.some((m) => m.mode === mode && m.state === 'measured');
        if (!measured) continue;
        if (mode === recommendation.fastest) {
          expect(row[cost]).toBe('the fastest durable mode');
          continue;
        }
        const expected = (geo(results, first.caseId, mode, 'durable') / best).toFixed(2);
        expect(row[cost], `${row.projects}`).toMatch(new RegExp(`^${expected.replace('.', '\\.')}x`));
      }
      const next = recommendation.runnerUp;
      if (next) {
        const shown = `${next.ratio.toFixed(2)}x`;
        expect(md).toContain(`${next.mode} takes ${shown}`);
        const interval = next.ciLow === null ? '' : ` (${next.ciLow.toFixed(2)}-${next.ciHigh?.toFixed(2)}x)`;
        const row = rows.find((r) => r['runs here'] === next.mode);
        if (row) expect(row[cost]).toBe(`${shown}${interval}`);
      }
    });
  }

  it('a default run says it in at most ~1,600 words above the appendix line (the appendix holds method and facts)', () => {
    for (const name of ['example', 'example-durability', 'example-emulated-2ms', 'example-loop', 'example-memory']) {
      const md = renderMarkdown(benchDocument(readResults(join(ROOT, 'results', name, 'results.json'))));
      const [body, appendix] = md.split(`## ${APPENDIX_HEADING}`);
      expect(appendix, name).toBeDefined();
      expect((body as string).split(/\s+/).filter(Boolean).length, name).toBeLessThanOrEqual(1600);
    }
  });

  it('the headline sentence: the ratio shown is the ratio of the geometric means it names', () => {
    const results = readResults(join(ROOT, 'results', 'example', 'results.json'));
    const md = renderMarkdown(benchDocument(results));
    const caseId = results.summary.cases[0]?.caseId as string;
    const wt = geo(results, caseId, 'writethrough', 'real').toFixed(2);
    const wb = geo(results, caseId, 'writeback', 'real').toFixed(2);
    const ratio = (geo(results, caseId, 'writethrough', 'real') / geo(results, caseId, 'writeback', 'real')).toFixed(2);
    expect(md).toContain(`writeback converted the 4 GiB qcow2 image to raw ${ratio}x faster than writethrough`);
    expect(md).toContain(`ratio of the geometric means ${wt} s vs ${wb} s`);
    expect(md).not.toContain('medians 13.20 s vs 6.53 s');
  });
});
