/**
 * Ten thousand active runs: the list draws only what is on screen, scrolls to the last run, and a
 * change to one run changes that row on screen and no other.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { browserPerFile } from '../support/browser.ts';
import { startDashboardServer } from '../support/dashboard-server.ts';
import { insertManyRuns } from '../support/many-runs.ts';

declare global {
  interface Window {
    /** The rows a change redrew, recorded in the page. */
    changedRows?: Set<string>;
  }
}

const RUNS = 10_000;

const openPage = browserPerFile();

describe('the Active runs list with 10,000 runs', () => {
  it('renders, scrolls, and redraws only the row that changed', async () => {
    const server = await startDashboardServer({ args: ['--stall-after', '1h'] });
    onTestFinished(() => server.stop());
    const ids = insertManyRuns(server.db, RUNS);
    const page = await openPage(server.url);
    await page.goto(new URL('#/active', page.url()).href);

    const table = page.getByRole('table', { name: 'Active runs' });
    await expect
      .poll(() => table.getAttribute('aria-rowcount'), { timeout: 60_000 })
      .toBe(String(RUNS + 1));
    const drawn = await table.locator('[data-run-key]').count();
    expect(drawn).toBeGreaterThan(5);
    expect(drawn).toBeLessThan(200);

    // A row on screen, watched for changes to anything but the times that count on by themselves.
    const target = await table.locator('[data-run-key]').nth(3).getAttribute('data-run-key');
    const runId = target?.split('/')[1] ?? '';
    expect(ids).toContain(runId);
    await page.evaluate(() => {
      const changed = new Set<string>();
      const observer = new MutationObserver((records) => {
        for (const record of records) {
          const node =
            record.target instanceof Element ? record.target : record.target.parentElement;
          if (node === null || node.closest('time[data-ticking]')) continue;
          changed.add(node.closest('[data-run-key]')?.getAttribute('data-run-key') ?? 'outside');
        }
      });
      const list = document.querySelector('[role="table"][aria-label="Active runs"]');
      if (list === null) throw new Error('no list');
      observer.observe(list, {
        subtree: true,
        childList: true,
        characterData: true,
        attributes: true,
      });
      window.changedRows = changed;
    });

    server.db.setStep(runId, 'step-1', { status: 'succeeded' });
    server.db.setStep(runId, 'step-2', { status: 'running' });
    const row = table.locator(`[data-run-key="${target}"]`);
    await expect.poll(() => row.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('1');
    const changed = await page.evaluate(() => [...(window.changedRows ?? [])]);
    expect(changed).toEqual([target]);

    // The page scrolls, not a box inside it: the list is as tall as all its rows.
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeGreaterThan(
      RUNS * 40,
    );
    // The list has the focus from the start: End goes to the last run, on screen and focused.
    const last = `orders/${ids.at(-1)}`;
    await page.keyboard.press('End');
    const lastRow = table.locator(`[data-run-key="${last}"]`);
    await expect.poll(() => lastRow.count()).toBe(1);
    await expect.poll(() => lastRow.evaluate((row) => row === document.activeElement)).toBe(true);
    const box = await lastRow.boundingBox();
    const viewport = page.viewportSize();
    expect(box && viewport && box.y + box.height <= viewport.height).toBe(true);
    expect(await page.evaluate(() => window.scrollY)).toBeGreaterThan(RUNS * 39);
  });
});

describe("the Active runs list's first screen", () => {
  it('draws its first screen from what the page preloaded, before the socket has answered', async () => {
    const server = await startDashboardServer({ args: ['--stall-after', '1h'] });
    onTestFinished(() => server.stop());
    insertManyRuns(server.db, 600);
    const page = await openPage(server.url);
    const active = new URL('/#/active', server.origin).href;
    await page.goto(active);
    const table = page.getByRole('table', { name: 'Active runs' });
    await expect.poll(() => table.getAttribute('aria-rowcount'), { timeout: 30_000 }).toBe('601');

    // From here on, nothing the server says over the socket reaches the page until released.
    const held: (string | Buffer)[] = [];
    let deliver: ((message: string | Buffer) => void) | null = null;
    let releaseAll = () => {};
    await page.routeWebSocket(/\/api$/, (socket) => {
      const upstream = socket.connectToServer();
      upstream.onMessage((message) => (deliver ? deliver(message) : held.push(message)));
      socket.onMessage((message) => upstream.send(message));
      releaseAll = () => {
        deliver = (message) => socket.send(message);
        for (const message of held.splice(0)) socket.send(message);
      };
    });
    await page.goto('about:blank');
    await page.goto(active);

    await expect.poll(() => table.getAttribute('aria-rowcount'), { timeout: 30_000 }).toBe('601');
    expect(await table.locator('[data-run-key]').count()).toBeGreaterThan(5);
    // The runs after the first screen are on their way: they come over the socket.
    expect(await table.getAttribute('aria-busy')).toBe('true');

    releaseAll();
    await expect.poll(() => table.getAttribute('aria-busy'), { timeout: 30_000 }).toBe('false');
    await page.keyboard.press('End');
    await expect.poll(() => table.locator('[aria-rowindex="601"]').count()).toBe(1);
  });
});
