/** Pages of the dashboard in real Chromium, for the browser tests. */
import type { Browser, Page } from 'playwright-core';
import { onTestFinished } from 'vitest';

export { launchBrowser } from './chromium.ts';

/**
 * A fresh page on `url`, closed when the test ends. Errors the page throws fail the test at its
 * end, so a broken view cannot pass by showing nothing.
 */
export async function openPage(
  browser: Browser,
  url: string,
  options: { colorScheme?: 'light' | 'dark'; width?: number; height?: number } = {},
): Promise<Page> {
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
