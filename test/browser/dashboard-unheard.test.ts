/**
 * Alerts that reach nobody never look like all is well: with no channel able to send, a failed
 * run's alert is counted as fired and not delivered, on every view and in the Alerts view's
 * empty list, with the way to the channel settings. In real Chromium against `runwatch serve`.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { browserPerFile } from '../support/browser.ts';
import { startDashboardServer } from '../support/dashboard-server.ts';
import { webhookAlertsYaml } from '../support/hook-server.ts';

const openPage = browserPerFile();

describe('alerts that reach nobody', () => {
  it('says how many fired and that none was delivered, and leads to the channel settings', async () => {
    // The webhook's address is a variable nobody set: the channel is inactive.
    const server = await startDashboardServer({
      config: webhookAlertsYaml('${RUNWATCH_TEST_UNSET_HOOK}', 'ops'),
    });
    onTestFinished(() => server.stop());
    const page = await openPage(server.url);
    const banner = page.getByRole('alert').filter({ hasText: 'no active channel' });
    await expect.poll(() => banner.innerText()).toContain('0 alerts fired, 0 delivered');

    server.db.insertRun({
      runId: 'etl-0042',
      pipeline: 'etl-daily',
      steps: [{ stepId: 'load', status: 'running', startedAt: new Date().toISOString() }],
    });
    const attention = page.getByRole('list', { name: 'Needs attention' });
    const running = page.getByRole('navigation', { name: 'Views' }).getByRole('link', {
      name: /Active runs/,
    });
    await expect.poll(() => running.innerText()).toMatch(/1$/);
    server.db.finishRun('etl-0042', 'failed');
    await expect.poll(() => attention.innerText()).toContain('etl-0042');
    await expect
      .poll(() => banner.innerText())
      .toContain('1 alert fired, 0 delivered: no active channel');
    expect(await banner.innerText()).toMatch(/ops: .*RUNWATCH_TEST_UNSET_HOOK/);

    await page.goto(new URL('#/alerts', page.url()).href);
    const empty = page.locator('.alerts-view .empty');
    await expect.poll(() => empty.innerText()).toContain('1 alert fired, 0 delivered');
    expect(await empty.innerText()).not.toContain('No alerts sent yet');
    expect(await banner.count()).toBe(1);

    await empty.getByRole('button', { name: 'Set up a channel' }).click();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/settings/channels');
    const channels = page.getByRole('region', { name: /^Channels/ });
    await expect.poll(() => channels.isVisible()).toBe(true);
    await expect
      .poll(() =>
        channels.evaluate((element) => {
          const top = element.getBoundingClientRect().top;
          return top >= 0 && top < window.innerHeight / 2;
        }),
      )
      .toBe(true);
  });
});
