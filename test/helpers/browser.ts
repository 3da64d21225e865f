// Opens pages in Debian's headless Chromium (playwright-core, no browser download), collecting console errors.
import { type Browser, chromium } from 'playwright-core';
import { CHART_TEXT_PX } from '../../src/report/charts/canvas.ts';

/** Runs `use` with one headless Chromium (a launch costs about a second here; its pages share it), closed after. */
export async function withBrowser<T>(use: (browser: Browser) => Promise<T>): Promise<T> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  try {
    return await use(browser);
  } finally {
    await browser.close();
  }
}

/** Loads `url`, returns its console/page errors and how many of its images decoded. */
export function loadPage(url: string): Promise<{ errors: string[]; imagesLoaded: number }> {
  return withBrowser(async (browser) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(url, { waitUntil: 'load' });
    const imagesLoaded = await page.evaluate(
      () => [...document.images].filter((i) => i.complete && i.naturalWidth > 0).length,
    );
    return { errors, imagesLoaded };
  });
}

/** What a page looks like at one viewport width: sideways scroll, tables, chart text, links, errors, requests. */
export interface PageLayout {
  /** The page's scroll width beyond the viewport, CSS px (0: no sideways page scroll). */
  overflow: number;
  /** Tables whose scroll box is missing, not scrollable or wider than the viewport. */
  unreachableTables: number;
  tables: number;
  /** The smallest chart text in CSS px: CHART_TEXT_PX of a 1200 px chart at its shown width. */
  smallestChartTextPx: number | null;
  /** Charts whose image reaches past the viewport's right edge (some bars off screen). */
  chartsCut: number;
  /** Contents links whose target is missing, and headings without a link. */
  brokenLinks: string[];
  unlinkedHeadings: string[];
  errors: string[];
  /** Requests to anything but file: and data: URLs. */
  requests: string[];
}

/** Loads `url` at `width` x 800 CSS px in a fresh context of `browser` and measures its layout. */
export async function inspectLayout(browser: Browser, url: string, width: number): Promise<PageLayout> {
  const context = await browser.newContext({ viewport: { width, height: 800 } });
  try {
    const page = await context.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('request', (r) => {
      if (!/^(file|data):/.test(r.url())) requests.push(r.url());
    });
    await page.goto(url, { waitUntil: 'load' });
    const measured = await page.evaluate((textPx: number) => {
      const viewport = window.innerWidth;
      const tables = [...document.querySelectorAll('table')];
      const unreachable = tables.filter((table) => {
        const box = table.parentElement;
        if (!box) return true;
        const scrolls = getComputedStyle(box).overflowX === 'auto' || getComputedStyle(box).overflowX === 'scroll';
        const fits = table.getBoundingClientRect().width <= box.clientWidth + 1;
        return box.getBoundingClientRect().right > viewport + 1 || !(fits || scrolls);
      }).length;
      const widths = [...document.images].map((i) => i.getBoundingClientRect().width);
      const ids = new Set([...document.querySelectorAll('[id]')].map((e) => e.id));
      const links = [...document.querySelectorAll('nav#contents a')].map((a) => a.getAttribute('href') ?? '');
      const headings = [...document.querySelectorAll('h2[id], h3[id]')].map((h) => h.id);
      return {
        overflow: document.documentElement.scrollWidth - viewport,
        tables: tables.length,
        unreachable,
        smallest: widths.length ? (Math.min(...widths) * textPx) / 1200 : null,
        cut: [...document.images].filter((i) => i.getBoundingClientRect().right > viewport + 1).length,
        broken: links.filter((href) => !ids.has(href.slice(1))),
        unlinked: headings.filter((id) => !links.includes(`#${id}`)),
      };
    }, CHART_TEXT_PX);
    return {
      overflow: measured.overflow,
      unreachableTables: measured.unreachable,
      tables: measured.tables,
      smallestChartTextPx: measured.smallest,
      chartsCut: measured.cut,
      brokenLinks: measured.broken,
      unlinkedHeadings: measured.unlinked,
      errors,
      requests,
    };
  } finally {
    await context.close();
  }
}
