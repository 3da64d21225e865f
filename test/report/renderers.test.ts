// Renderers from canned results: snapshots of markdown/text/HTML, chart PNGs, and the HTML page in headless Chromium.
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verdicts } from '../../src/analyze/verdict.ts';
import { loadResults } from '../../src/model/results.ts';
import { benchDocument } from '../../src/report/bench-document.ts';
import { renderBenchCharts } from '../../src/report/charts/bench-charts.ts';
import { renderHtml } from '../../src/report/html.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { REPORT_RENDERERS, renderWith } from '../../src/report/registry.ts';
import { renderText } from '../../src/report/text.ts';
import { loadPage } from '../helpers/browser.ts';

const fixtures = join(import.meta.dirname, '../fixtures/results');
const reproduced = loadResults(join(fixtures, 'reproduced-emulated.json'));
const notReproduced = loadResults(join(fixtures, 'not-reproduced.json'));
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('verdict', () => {
  it('says plainly when the claim reproduces, and labels emulation', () => {
    const [v] = verdicts(reproduced);
    expect(v?.outcome).toBe('reproduced');
    expect(v?.text).toMatch(/with an EMULATED flush latency of 4 ms, writeback converted .* faster than writethrough/);
    expect(v?.text).toMatch(/The claim reproduces here/);
  });
  it('says plainly when it does not, with reasons from the recorded facts', () => {
    const [v] = verdicts(notReproduced);
    expect(v?.outcome).not.toBe('reproduced');
    expect(v?.text).toMatch(/does not reproduce on this host/);
    expect(v?.reasons.join(' ')).toMatch(/completes a flush in \d+\.\d+ ms/);
  });
});

describe('markdown, text and HTML', () => {
  for (const [name, results] of [
    ['reproduced-emulated', reproduced],
    ['not-reproduced', notReproduced],
  ] as const) {
    it(`${name}: markdown snapshot`, async () => {
      await expect(renderMarkdown(benchDocument(results))).toMatchFileSnapshot(`__snapshots__/${name}.md`);
    });
    it(`${name}: text snapshot, no colour codes`, async () => {
      const text = renderText(benchDocument(results));
      // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for colour escape codes
      expect(text).not.toMatch(/\u001b\[/);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the whole ASCII range
      expect(text).toMatch(/^[\x00-\x7f]*$/);
      await expect(text).toMatchFileSnapshot(`__snapshots__/${name}.txt`);
    });
    it(`${name}: HTML snapshot (charts left out)`, async () => {
      await expect(renderHtml(benchDocument(results), [])).toMatchFileSnapshot(`__snapshots__/${name}.html`);
    });
  }
  it('labels every output of an emulated run', () => {
    const doc = benchDocument(reproduced);
    expect(doc.title).toMatch(/EMULATED FLUSH LATENCY 4 ms/);
    expect(renderText(doc)).toMatch(/EMULATED FLUSH LATENCY 4 ms/);
  });
  it('the markdown embeds every chart by relative path and has the sections a reader needs', () => {
    const md = renderMarkdown(benchDocument(notReproduced));
    for (const chart of ['charts/real.png', 'charts/breakdown.png', 'charts/speedup.png', 'charts/durable.png'])
      expect(md).toContain(`](${chart})`);
    for (const section of [
      '## Verdict',
      '## Results',
      '## Why the modes differ: flushes',
      '## Host, storage and image',
      '## Method',
      '### Repeat one run by hand',
      '## Not measured',
    ])
      expect(md).toContain(section);
    expect(md).toMatch(/time qemu-img convert -t writethrough -f qcow2 -O raw /);
  });
});

describe('charts', () => {
  it('are PNGs of 1200x600, and different inputs give different images', async () => {
    const a = await renderBenchCharts(reproduced);
    const b = await renderBenchCharts(notReproduced);
    expect(a.map((f) => f.name)).toEqual([
      'charts/real.png',
      'charts/breakdown.png',
      'charts/speedup.png',
      'charts/durable.png',
    ]);
    for (const f of [...a, ...b]) {
      const data = f.data as Buffer;
      expect(data.subarray(0, 8)).toEqual(PNG);
      expect(data.readUInt32BE(16)).toBe(1200);
      expect(data.readUInt32BE(20)).toBe(600);
      expect(data.length).toBeGreaterThan(10_000);
    }
    for (let i = 0; i < a.length; i++) expect(Buffer.compare(a[i]!.data as Buffer, b[i]!.data as Buffer)).not.toBe(0);
  });
});

describe('report.html in headless Chromium', () => {
  it('loads with no console errors and shows the four charts', async () => {
    if (!existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'))
      throw new Error('chromium is not installed: run scripts/setup.sh --test-tools');
    const dir = mkdtempSync(join(tmpdir(), 'qcb-html-'));
    const files = await renderWith(REPORT_RENDERERS, notReproduced);
    const html = files.find((f) => f.name === 'report.html');
    writeFileSync(join(dir, 'report.html'), html?.data as string);
    const page = await loadPage(`file://${join(dir, 'report.html')}`, join(dir, 'screenshot.png'));
    expect(page.errors).toEqual([]);
    expect(page.imagesLoaded).toBe(4);
    expect(existsSync(join(dir, 'screenshot.png'))).toBe(true);
  }, 60_000);
});
