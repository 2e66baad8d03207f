/** Pages of the dashboard in real Chromium, for the browser tests. */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, onTestFinished } from 'vitest';
import { launchBrowser } from './chromium.ts';

export interface PageOptions {
  colorScheme?: 'light' | 'dark';
  width?: number;
  height?: number;
}

/**
 * A fresh page on `url`, closed when the test ends. Errors the page throws fail the test at its
 * end, so a broken view cannot pass by showing nothing.
 */
async function openPage(browser: Browser, url: string, options: PageOptions = {}): Promise<Page> {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1280, height: options.height ?? 860 },
    colorScheme: options.colorScheme ?? 'light',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  onTestFinished(async () => {
    await context.close();
    if (errors.length > 0) throw new Error(`the page threw: ${errors.join('; ')}`);
  });
  await page.goto(url);
  return page;
}

/**
 * One Chromium for the tests of a file, launched before the first and closed after the last;
 * what it returns opens a page in it, as `openPage` does.
 */
export function browserPerFile(): (url: string, options?: PageOptions) => Promise<Page> {
  let browser: Browser | undefined;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });
  return (url, options) => {
    if (browser === undefined) throw new Error('Chromium is not launched yet');
    return openPage(browser, url, options);
  };
}
