/**
 * The dashboard as a page, in real Chromium against `runwatch serve`: the keys work the moment a
 * list shows (with a ring on the row they move), `?` lists every shortcut, and the page itself
 * scrolls, so a full-page capture and a printout hold the whole view.
 */
import { PNG } from 'pngjs';
import { describe, expect, it, onTestFinished } from 'vitest';
import { SHORTCUTS } from '../../renderer/src/app/shortcuts.ts';
import { browserPerFile } from '../support/browser.ts';
import { startDashboardServer } from '../support/dashboard-server.ts';
import { insertManyRuns } from '../support/many-runs.ts';

const openPage = browserPerFile();

describe('the dashboard as a page', () => {
  it('gives a list the focus on entering it, rings that row, and lists every shortcut on ?', async () => {
    const server = await startDashboardServer({ args: ['--stall-after', '1h'] });
    onTestFinished(() => server.stop());
    const ids = insertManyRuns(server.db, 5);
    const page = await openPage(server.url);
    await page.goto(new URL('#/active', page.url()).href);
    const table = page.getByRole('table', { name: 'Active runs' });
    await expect.poll(() => table.locator('[data-run-key]').count()).toBe(5);

    const focused = () =>
      page.evaluate(() => {
        const element = document.activeElement as HTMLElement | null;
        const style = element ? getComputedStyle(element) : null;
        return {
          key: element?.dataset.runKey ?? null,
          ring: style ? `${style.outlineStyle} ${style.outlineWidth}` : null,
        };
      });
    // Started together, the runs are listed by id.
    await expect.poll(async () => (await focused()).key).toBe(`orders/${ids[0]}`);
    expect((await focused()).ring).toBe('solid 2px');

    await page.keyboard.press('ArrowDown');
    expect((await focused()).key).toBe(`orders/${ids[1]}`);
    await page.keyboard.press('Enter');
    await expect.poll(() => new URL(page.url()).hash).toBe(`#/run/orders/${ids[1]}`);

    await page.keyboard.press('?');
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await expect.poll(() => sheet.isVisible()).toBe(true);
    const text = await sheet.innerText();
    for (const { what } of SHORTCUTS) expect(text).toContain(what);
    expect(text).toMatch(/g\s+then\s+s\s+Go to Stalls/);
    await page.keyboard.press('Escape');
    await expect.poll(() => sheet.isVisible()).toBe(false);
  });

  it('scrolls as a page, so a full-page capture and a printout hold every run', async () => {
    const server = await startDashboardServer({ args: ['--stall-after', '2s'] });
    onTestFinished(() => server.stop());
    insertManyRuns(server.db, 300);
    const page = await openPage(server.url, { height: 800 });

    await page.goto(new URL('#/stalls', page.url()).href);
    const stalls = page.getByRole('table', { name: 'Stalled and overdue runs' });
    await expect.poll(() => stalls.locator('tbody tr').count(), { timeout: 30_000 }).toBe(300);
    const last = stalls.locator('tbody tr').last();
    const bottom = await last.evaluate(
      (row) => row.getBoundingClientRect().bottom + window.scrollY,
    );
    expect(bottom).toBeGreaterThan(800 * 10);
    const shot = PNG.sync.read(await page.screenshot({ fullPage: true }));
    expect(shot.height).toBeGreaterThanOrEqual(Math.floor(bottom));

    await page.goto(new URL('#/active', page.url()).href);
    const active = page.getByRole('table', { name: 'Active runs' });
    await expect.poll(() => active.getAttribute('aria-rowcount')).toBe('301');
    expect(await active.locator('[data-run-key]').count()).toBeLessThan(100);
    await page.emulateMedia({ media: 'print' });
    await expect.poll(() => active.locator('[data-run-key]').count()).toBe(300);
    expect(await page.getByRole('navigation', { name: 'Views' }).isVisible()).toBe(false);
    await page.emulateMedia({ media: 'screen' });
    await expect.poll(() => active.locator('[data-run-key]').count()).toBeLessThan(100);
  });
});
