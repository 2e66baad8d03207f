/**
 * The Stalls view as a user works through it, in real Chromium against `runwatch serve`: each
 * stuck run shows its id whole and says how long against its limit, acknowledging moves no
 * column, and the nav's Stalls badge counts what still needs attention exactly as the Overview
 * does; a run both stalled and overdue shows its two clocks inside their column.
 */
import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { browserPerFile } from '../support/browser.ts';
import { startDashboardServer } from '../support/dashboard-server.ts';
import { isoNow } from '../support/orchestration-db.ts';

const openPage = browserPerFile();

/**
 * A nav item's badge: its count, and whether it is red. Read in one step in the page: read in
 * two, a badge that goes away between them would leave the second waiting for it.
 */
function badge(page: Page, view: string): Promise<{ count: string; urgent: boolean }> {
  return page
    .getByRole('navigation', { name: 'Views' })
    .getByRole('link', { name: view })
    .evaluate((link) => {
      const count = link.querySelector('.count');
      return count === null
        ? { count: '', urgent: false }
        : { count: count.textContent, urgent: count.classList.contains('count--urgent') };
    });
}

/** Each column's left edge and width, in pixels. */
function columns(page: Page): Promise<number[][]> {
  return page
    .getByRole('table', { name: 'Stalled and overdue runs' })
    .locator('thead th')
    .evaluateAll((cells) =>
      cells.map((cell) => {
        const box = cell.getBoundingClientRect();
        return [Math.round(box.left), Math.round(box.width)];
      }),
    );
}

describe('the Stalls view', () => {
  it('says how long against the limit, keeps its columns, and counts as Overview does', async () => {
    const server = await startDashboardServer({ args: ['--stall-after', '2s'] });
    onTestFinished(() => server.stop());
    for (const runId of ['etl-nightly-0001', 'etl-nightly-0002']) {
      server.db.insertRun({
        runId,
        pipeline: 'etl-nightly',
        steps: [{ stepId: 'fit', status: 'running', startedAt: new Date().toISOString() }],
      });
    }
    const page = await openPage(server.url);
    await page.goto(new URL('#/stalls', page.url()).href);
    const rows = page.getByRole('table', { name: 'Stalled and overdue runs' }).locator('tbody tr');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(2);
    await expect.poll(() => badge(page, 'Stalls')).toEqual({ count: '2', urgent: true });
    expect(await badge(page, 'Overview')).toEqual({ count: '2', urgent: true });

    const first = rows.first();
    expect(await first.innerText()).toMatch(/idle \d+s \(limit 2s\)/);
    // The run's id is shown whole at the default window width, not cut to 'etl-nightly-…'.
    const runCell = first.locator('td').first();
    expect(await runCell.innerText()).toMatch(/etl-nightly-000\d/);
    expect(await runCell.evaluate((cell) => cell.scrollWidth <= cell.clientWidth)).toBe(true);
    expect(await page.locator('main').innerText()).not.toMatch(/stuck for/i);

    // Entering the view gave the list the focus: the keys work at once.
    expect(await first.evaluate((row) => row === document.activeElement)).toBe(true);
    await page.keyboard.press('ArrowDown');
    expect(await rows.nth(1).evaluate((row) => row === document.activeElement)).toBe(true);

    const before = await columns(page);
    await first.getByRole('button', { name: /acknowledge/i }).click();
    await expect.poll(() => rows.last().innerText(), { timeout: 10_000 }).toContain('acknowledged');
    // What the click did is said above the list; the list is settled below it.
    await expect.poll(() => page.locator('.notice-line').innerText()).toMatch(/Acknowledged/);
    expect(await columns(page)).toEqual(before);
    // The acknowledgement goes to the server and comes back with the next change; a busy machine
    // takes more than expect.poll's default second.
    await expect
      .poll(() => badge(page, 'Overview'), { timeout: 10_000 })
      .toEqual({ count: '1', urgent: true });
    expect(await badge(page, 'Stalls')).toEqual({ count: '1', urgent: true });

    await rows
      .first()
      .getByRole('button', { name: /acknowledge/i })
      .click();
    await expect
      .poll(() => badge(page, 'Overview'), { timeout: 10_000 })
      .toEqual({ count: '', urgent: false });
    // Both runs are still stuck, and listed: counted, no longer red.
    expect(await badge(page, 'Stalls')).toEqual({ count: '2', urgent: false });
    expect(await columns(page)).toEqual(before);
  });

  it('shows both clocks of a run stalled and overdue inside their column', async () => {
    const server = await startDashboardServer();
    onTestFinished(() => server.stop());
    // The shipped alerts.yaml gives train-* a 3h stall limit and a 12h maximum duration.
    const long = isoNow(-13 * 3_600_000);
    server.db.insertRun({
      runId: 'train-model-0001',
      pipeline: 'train-model',
      createdAt: long,
      startedAt: long,
      updatedAt: long,
      steps: [{ stepId: 'fit', status: 'running', startedAt: long }],
    });
    const page = await openPage(server.url);
    await page.goto(new URL('#/stalls', page.url()).href);
    const row = page.getByRole('table', { name: 'Stalled and overdue runs' }).locator('tbody tr');
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBe(1);
    const time = row.locator('td.st-time');
    await expect
      .poll(() => time.innerText())
      .toMatch(/idle 13h( \d+m)? \(limit 3h\)\s*running 13h( \d+m)? \(limit 12h\)/);
    expect(await time.evaluate((cell) => cell.scrollWidth <= cell.clientWidth)).toBe(true);
  });
});
