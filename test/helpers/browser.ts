// Opens a page in Debian's headless Chromium (playwright-core, no browser download), collecting console errors.
import { chromium } from 'playwright-core';

/** Loads `url`, returns console/page errors and a full-page screenshot. */
export async function loadPage(
  url: string,
  screenshotPath: string,
): Promise<{ errors: string[]; imagesLoaded: number }> {
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
    await page.screenshot({ path: screenshotPath, fullPage: true });
    return { errors, imagesLoaded };
  } finally {
    await browser.close();
  }
}
