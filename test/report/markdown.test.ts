// report.md as GitHub renders it (markdown-it, CommonMark + GFM tables): every table keeps its column count, and the
// text charts come out as preformatted text, so they survive where the PNGs do not (issue comments, Launchpad).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.ts';

const md = new MarkdownIt();

describe('report.md rendered by markdown-it', () => {
  for (const example of ['example', 'example-emulated-2ms', 'example-loop', 'example-memory', 'example-durability']) {
    it(`results/${example}: consistent table columns, text charts inside <pre>`, () => {
      const html = md.render(readFileSync(join(ROOT, 'results', example, 'report.md'), 'utf8'));
      const tables = html.match(/<table>[\s\S]*?<\/table>/g) ?? [];
      expect(tables.length).toBeGreaterThanOrEqual(8);
      for (const table of tables) {
        const columns = (table.match(/<th[ >]/g) ?? []).length;
        const rows = table.match(/<tbody>[\s\S]*<\/tbody>/)?.[0].match(/<tr>[\s\S]*?<\/tr>/g) ?? [];
        expect(rows.length).toBeGreaterThan(0);
        for (const row of rows) expect((row.match(/<td[ >]/g) ?? []).length).toBe(columns);
      }
      const pres = html.match(/<pre><code class="language-text">[\s\S]*?<\/code><\/pre>/g) ?? [];
      expect(pres.some((pre) => pre.includes('Conversion time per mode (median wall time)'))).toBe(true);
      for (const pre of pres) expect(pre).toMatch(/\| █/);
      // The headline is the first thing after the Verdict heading, in bold.
      expect(html).toMatch(/<h2>Verdict<\/h2>\n<p><strong>[^<]+<\/strong><\/p>/);
    });
  }
});
