/**
 * The controls a user narrows and acts with, in real Chromium against `runwatch serve`: the
 * search box, the pipeline and status selects and "Clear filters" on the Active list, and the
 * Stalls view's Snooze menu (opened, closed with Escape, chosen from), whose silence then shows
 * in Settings; and the views' nav, which shows the next view at once when the one left is still
 * waiting for its code. The dashboard runs on Preact's implementation of React's API: these are
 * the events (input, change, keydown, focus) and the loading where the two could differ.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { browserPerFile } from '../support/browser.ts';
import { startDashboardServer } from '../support/dashboard-server.ts';

const openPage = browserPerFile();

/** The run ids the Active list shows, in order. */
function activeRuns(page: Page): Promise<string[]> {
  return page
    .getByRole('table', { name: 'Active runs' })
    .locator('[data-run-key]')
    .evaluateAll((rows) =>
      rows.map((row) => (row.getAttribute('data-run-key') ?? '').replace(/^[^/]*\//, '')).sort(),
    );
}

describe('the dashboard controls', () => {
  it('narrow the Active list, and snooze a stalled pipeline from the Stalls view', async () => {
    const server = await startDashboardServer({ args: ['--stall-after', '2s'] });
    onTestFinished(() => server.stop());
    const runs = [
      { runId: 'etl-nightly-0001', pipeline: 'etl-nightly' },
      { runId: 'etl-nightly-0002', pipeline: 'etl-nightly' },
      { runId: 'train-model-0001', pipeline: 'train-model' },
    ];
    for (const run of runs) {
      server.db.insertRun({
        ...run,
        steps: [{ stepId: 'fit', status: 'running', startedAt: new Date().toISOString() }],
      });
    }
    const page = await openPage(server.url);
    await page.goto(new URL('#/active', page.url()).href);
    const all = runs.map((run) => run.runId).sort();
    await expect.poll(() => activeRuns(page), { timeout: 20_000 }).toEqual(all);

    const search = page.getByRole('searchbox', { name: 'Search pipeline or run id' });
    await search.fill('train');
    await expect.poll(() => activeRuns(page)).toEqual(['train-model-0001']);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => activeRuns(page)).toEqual(all);
    expect(await search.inputValue()).toBe('');

    await page.getByRole('combobox', { name: 'Pipeline' }).selectOption('etl-nightly');
    await expect.poll(() => activeRuns(page)).toEqual(['etl-nightly-0001', 'etl-nightly-0002']);
    // Each run goes quiet past the 2 s limit: "Progressing" then lists none of them.
    const status = page.getByRole('combobox', { name: 'Status' });
    await status.selectOption('progressing');
    await expect.poll(() => activeRuns(page), { timeout: 10_000 }).toEqual([]);
    await status.selectOption('stuck');
    await expect.poll(() => activeRuns(page)).toEqual(['etl-nightly-0001', 'etl-nightly-0002']);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => activeRuns(page)).toEqual(all);

    await page.goto(new URL('#/stalls', page.url()).href);
    const toggle = page
      .getByRole('button', { name: 'Snooze alerts of pipeline etl-nightly' })
      .first();
    await toggle.click();
    const menu = page.getByRole('group', { name: 'Snooze etl-nightly' });
    await expect.poll(() => menu.isVisible()).toBe(true);
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    await page.keyboard.press('Escape');
    await expect.poll(() => menu.count()).toBe(0);
    expect(await toggle.evaluate((button) => button === document.activeElement)).toBe(true);

    await toggle.click();
    await page.getByRole('button', { name: 'Snooze etl-nightly for 1 hour' }).click();
    await expect
      .poll(() => page.locator('.notice-line').innerText(), { timeout: 10_000 })
      .toMatch(/Alerts of etl-nightly snoozed until \d{1,2}:\d{2}/);

    await page.goto(new URL('#/settings', page.url()).href);
    await page
      .getByRole('navigation', { name: 'Settings sections' })
      .getByRole('button', { name: 'Silences' })
      .click();
    await expect
      .poll(() => page.getByRole('button', { name: /^Remove silence/ }).count(), {
        timeout: 10_000,
      })
      .toBe(1);
    expect(await page.locator('main').innerText()).toMatch(
      /Snoozed from the dashboard while etl-nightly-000\d was stuck/,
    );
  });

  it('leave a view whose code is still on its way for the next view at once', async () => {
    const server = await startDashboardServer();
    onTestFinished(() => server.stop());
    server.db.insertRun({ runId: 'etl-nightly-0001', pipeline: 'etl-nightly' });
    const page = await openPage(server.url);
    // The run view's code is held back, as on a slow link to `runwatch serve`.
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(/\/assets\/run-detail-[^/]*\.js$/, async (route) => {
      await held;
      await route.continue();
    });
    await page.goto(new URL('#/active', page.url()).href);
    await expect.poll(() => activeRuns(page), { timeout: 20_000 }).toEqual(['etl-nightly-0001']);

    await page.evaluate(() => {
      location.hash = '#/run/orders/etl-nightly-0001';
    });
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Loading…' }).count())
      .toBe(1);
    await page
      .getByRole('navigation', { name: 'Views' })
      .getByRole('link', { name: 'Active runs' })
      .click();
    await expect.poll(() => activeRuns(page)).toEqual(['etl-nightly-0001']);
    release();
  });
});
