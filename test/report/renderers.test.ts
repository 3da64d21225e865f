// Renderers from canned results: snapshots of markdown/text/HTML, chart PNGs, and the HTML page in headless Chromium.

import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verdicts } from '../../src/analyze/verdict.ts';
import { readResults } from '../../src/commands/results-file.ts';
import type { Verdict } from '../../src/model/findings.ts';
import { times } from '../../src/model/units.ts';
import { benchDocument } from '../../src/report/bench-document.ts';
import { renderBenchCharts } from '../../src/report/charts/bench-charts.ts';
import { renderHtml } from '../../src/report/html.ts';
import { renderMarkdown } from '../../src/report/markdown.ts';
import { renderReports } from '../../src/report/registry.ts';
import { renderText } from '../../src/report/text.ts';
import { reasonPhrases, verdictText } from '../../src/report/verdict-text.ts';
import { loadPage } from '../helpers/browser.ts';

const fixtures = join(import.meta.dirname, '../fixtures/results');
const reproduced = readResults(join(fixtures, 'reproduced-emulated.json'));
const notReproduced = readResults(join(fixtures, 'not-reproduced.json'));
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

describe('verdict', () => {
  it('says plainly when the claim reproduces, and labels emulation', () => {
    const [v] = verdicts(reproduced);
    expect(v?.outcome).toBe('reproduced');
    const text = verdictText(reproduced, v as Verdict);
    expect(text).toMatch(
      /^Measured on this host with an EMULATED flush latency of 4 ms: writeback converted .* faster than writethrough/,
    );
    expect(text).toMatch(/The claim reproduces here/);
  });
  it('says plainly when it does not, with reasons from the recorded facts', () => {
    const [v] = verdicts(notReproduced);
    expect(v?.outcome).not.toBe('reproduced');
    expect(verdictText(notReproduced, v as Verdict)).toMatch(/does not reproduce on this host/);
    expect(v?.reasons[0]?.code).toBe('fast-flushes');
    expect(reasonPhrases(v?.reasons ?? []).join(' ')).toMatch(/completes a flush in \d+\.\d+ ms/);
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
    const files = await renderReports(notReproduced);
    const html = files.find((f) => f.name === 'report.html');
    writeFileSync(join(dir, 'report.html'), html?.data as string);
    const page = await loadPage(`file://${join(dir, 'report.html')}`);
    expect(page.errors).toEqual([]);
    expect(page.imagesLoaded).toBe(4);
  }, 60_000);
});

describe('report figures recomputed from the fixture samples', () => {
  const r = notReproduced;
  const times = (mode: string) =>
    r.samples.filter((s) => s.mode === mode && s.state === 'ok' && !s.warmup).map((s) => s.real);
  const gm = (v: number[]) => Math.exp(v.reduce((a, b) => a + Math.log(b), 0) / v.length);
  const mid = (v: number[]) => [...v].sort((a, b) => a - b)[1] as number;
  const md = renderMarkdown(benchDocument(r));
  it('prints the speedup as the ratio of geometric means of the samples', () => {
    const ratio = gm(times('writethrough')) / gm(times('writeback'));
    expect(md).toContain(`| writeback | ${mid(times('writeback')).toFixed(2)} s |`);
    expect(md).toMatch(new RegExp(`\\| ${ratio.toFixed(2)}x \\(\\d\\.\\d\\d-\\d\\.\\d\\dx\\) \\| 3 \\|`));
  });
  it('prints the measured extra, its cost per flush and the latency 14x would need', () => {
    const flushes = 14292;
    const extra = mid(times('writethrough')) - mid(times('writeback'));
    const probe = r.flushProbe[0]?.small?.medianMs as number;
    const needed = probe + ((14 * mid(times('writeback')) - mid(times('writethrough'))) / flushes) * 1000;
    expect(md).toContain(
      `the measured extra is ${extra.toFixed(2)} s (writethrough - writeback medians), ${((extra / flushes) * 1000).toFixed(2)} ms per flush`,
    );
    expect(md).toContain(
      `so ${flushes} flushes would add about ${((flushes * probe) / 1000).toFixed(1)} s to writethrough (a prediction`,
    );
    expect(md).toContain(
      `Reaching 14x with this image would take about ${needed.toFixed(1)} ms per flush on this host`,
    );
  });
});

describe('charts never cost the report', () => {
  it('writes report.md, .txt and .html without images, saying why, when the chart library cannot load', async () => {
    const broken = async () => {
      throw new Error('libcairo.so.2: cannot open shared object file: No such file or directory');
    };
    const files = await renderReports(notReproduced, broken);
    expect(files.map((f) => f.name)).toEqual(['report.md', 'report.txt', 'report.html', 'summary.txt', 'results.csv']);
    const why =
      'Charts skipped: libcairo.so.2: cannot open shared object file: No such file or directory; run `npm run report` where charts work to draw them.';
    for (const f of files.slice(0, 3)) expect(String(f.data).replace(/<\/?code>/g, '`')).toContain(why.slice(0, 60));
    expect(String(files[0]?.data)).toContain(`**${why}**`);
    expect(String(files[0]?.data)).not.toMatch(/!\[.*\]\(charts\//);
    expect(String(files[2]?.data)).not.toMatch(/<img /);
  });
  it('also when drawing fails after the library loaded', async () => {
    const failing = async () => ({
      renderBenchCharts: async () => {
        throw new Error('canvas: out of memory');
      },
    });
    const files = await renderReports(notReproduced, failing);
    expect(String(files[0]?.data)).toContain('Charts skipped: canvas: out of memory;');
  });
});

describe('the speedup chart', () => {
  it('fits its axis to the measured bars, not the 2019 14x (said at the top), and labels each bar as the text does', async () => {
    const { speedupChart } = await import('../../src/report/charts/bench-charts.ts');
    const config = speedupChart(notReproduced, 'default');
    const modes = notReproduced.summary.cases[0]?.modes ?? [];
    const highest = Math.max(...modes.map((m) => m.speedup?.ciHigh ?? 1));
    expect(highest).toBeLessThan(14 / 1.3); // this run is far from 14x
    expect(config.options?.scales?.y?.suggestedMax).toBeCloseTo(highest * 1.25, 10);
    const labels = config.plugins?.find((p) => p.id === 'bar-labels');
    expect(labels).toBeDefined();
    const values = modes.map((m) => (m.mode === 'writethrough' ? '1x' : times(m.speedup?.ratio)));
    expect(values.every((v) => /^\d+(\.\d+)?x$/.test(v))).toBe(true);
  });
});

describe('the conversion-time chart', () => {
  it("puts each run as a dot in its own mode's column and names the real run count", async () => {
    const { realChart } = await import('../../src/report/charts/bench-charts.ts');
    const config = realChart(notReproduced, 'default');
    const labels = config.data.labels as string[];
    const [, ...dots] = config.data.datasets;
    expect(dots).toHaveLength(3);
    for (const s of notReproduced.samples.filter((x) => x.state === 'ok' && !x.warmup)) {
      expect(dots[s.run - 1]?.data[labels.indexOf(s.mode)]).toBe(s.real);
    }
    expect(config.options?.plugins?.subtitle?.text).toEqual([
      'bars: median of 3 runs; whiskers: min-max; dots: each run',
      `${(notReproduced.image.virtualSize / 1024 ** 3).toFixed(1)} GiB ${notReproduced.image.format} image -> raw on ` +
        `${notReproduced.cases[0]?.storage.fsType} (${notReproduced.cases[0]?.storage.source})`,
    ]);
  });
});

describe('hostile text in report.md', () => {
  it('an image name with HTML in it shows as written, not as markup; code spans stay literal', () => {
    const md = renderMarkdown({
      title: 'run of <img src=x onerror=alert(1)>.qcow2',
      blocks: [
        { kind: 'para', text: 'image <img src=x onerror=alert(1)> and `sync -f <file>` and 3 < 4' },
        { kind: 'list', items: ['</script><script>x</script>'] },
        { kind: 'table', head: ['a'], rows: [['<b>x</b>']] },
      ],
    });
    expect(md).toBe(
      '# run of &lt;img src=x onerror=alert(1)>.qcow2\n\n' +
        'image &lt;img src=x onerror=alert(1)> and `sync -f <file>` and 3 < 4\n\n' +
        '- &lt;/script>&lt;script>x&lt;/script>\n\n' +
        '| a |\n|---|\n| &lt;b>x&lt;/b> |\n',
    );
  });
});
