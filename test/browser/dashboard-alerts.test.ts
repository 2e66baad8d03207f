/**
 * A failed run's alert as the Alerts view shows it, with each channel's delivery: a webhook
 * receiver on 127.0.0.1 that answers 500 shows as retrying, then as sent once it recovers.
 */
import { describe, expect, it, onTestFinished } from 'vitest';
import { browserPerFile } from '../support/browser.ts';
import { startDashboardServer } from '../support/dashboard-server.ts';
import { HookServer, webhookAlertsYaml } from '../support/hook-server.ts';

const openPage = browserPerFile();

describe('the Alerts view', () => {
  it('shows a failing delivery as retrying, then as sent when the receiver recovers', async () => {
    const hook = await new HookServer().start();
    onTestFinished(() => hook.stop());
    hook.answers = Array.from({ length: 1_000 }, () => ({ status: 500 }));
    const server = await startDashboardServer({
      config: webhookAlertsYaml(hook.url('/hooks/runwatch'), 'ops', [
        'defaults:',
        '  group_window: 0s',
        '  retry: { first: 1s, factor: 1, max: 1s }',
      ]),
    });
    onTestFinished(() => server.stop());
    const page = await openPage(server.url);
    await page.goto(new URL('#/alerts', page.url()).href);

    server.db.insertRun({
      runId: 'etl-0042',
      pipeline: 'etl-daily',
      steps: [{ stepId: 'load', status: 'running', startedAt: new Date().toISOString() }],
    });
    await expect.poll(() => hook.received.length).toBe(0);
    server.db.finishRun('etl-0042', 'failed');

    const history = page.getByRole('table', { name: 'Alert history' });
    const row = history.locator('[data-delivery-id]').filter({ hasText: 'etl-0042' });
    await expect.poll(() => row.count(), { timeout: 20_000 }).toBeGreaterThan(0);
    await expect.poll(() => row.first().innerText(), { timeout: 20_000 }).toMatch(/retrying/i);
    expect(await row.first().innerText()).toContain('ops');
    await expect.poll(() => hook.received.length, { timeout: 20_000 }).toBeGreaterThan(1);

    hook.answers = [];
    await expect.poll(() => row.first().innerText(), { timeout: 20_000 }).toMatch(/\bsent\b/i);
    expect(await row.first().innerText()).not.toMatch(/retrying/i);
  });
});
