// report.html and compare.html in Debian's headless Chromium at a phone's width (390 px) and a desktop's (1280 px):
// no sideways page scroll, every table reachable in its own scroll box, chart text at least 10 CSS px, a contents
// list linking every section, no console error and no request other than file: or data:.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareRuns } from '../../src/analyze/comparison.ts';
import { readResults } from '../../src/commands/results-file.ts';
import { renderComparison } from '../../src/report/compare-report.ts';
import { inspectLayout, withBrowser } from '../helpers/browser.ts';
import { ROOT } from '../helpers/cli.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

async function comparePage(): Promise<string> {
  const inputs = ['example', 'example-memory'].map((name) => {
    const path = join(ROOT, 'results', name, 'results.json');
    return { path, label: name, results: readResults(path) };
  });
  const dir = mkdtempSync(join(tmpdir(), 'qcb-compare-html-'));
  const files = await renderComparison(compareRuns(inputs));
  const html = files.find((f) => f.name === 'compare.html');
  writeFileSync(join(dir, 'compare.html'), html?.data as string);
  return join(dir, 'compare.html');
}

describe('pages in headless Chromium', () => {
  it.skipIf(!existsSync(CHROMIUM))(
    `report.html and compare.html read on a phone and a desktop${existsSync(CHROMIUM) ? '' : ` (needs ${CHROMIUM}: setup.sh --test-tools)`}`,
    async () => {
      const pages = [join(ROOT, 'results', 'example', 'report.html'), await comparePage()];
      await withBrowser(async (browser) => {
        for (const file of pages) {
          for (const width of [390, 600, 1280]) {
            const layout = await inspectLayout(browser, `file://${file}`, width);
            const where = `${file} at ${width} px`;
            expect(layout.overflow, where).toBe(0);
            expect(layout.tables, where).toBeGreaterThanOrEqual(3);
            expect(layout.unreachableTables, where).toBe(0);
            // charts scale to the viewport: every bar on screen on a phone; text at least 10 px from 600 px on
            expect(layout.chartsCut, where).toBe(0);
            if (width >= 600) expect(layout.smallestChartTextPx, where).toBeGreaterThanOrEqual(10);
            expect(layout.brokenLinks, where).toEqual([]);
            expect(layout.unlinkedHeadings, where).toEqual([]);
            expect(layout.errors, where).toEqual([]);
            expect(layout.requests, where).toEqual([]);
          }
        }
      });
    },
    120_000,
  );
});
