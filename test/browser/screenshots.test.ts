/**
 * The screenshots README shows, taken from the demo pipeline as a new user first sees it, with a
 * webhook channel answering on 127.0.0.1: Overview, a failed run's detail, and Settings, in light
 * and dark. Saved to test-results/screenshots/; each view must draw without a page error.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it, onTestFinished } from 'vitest';
import { browserPerFile } from '../support/browser.ts';
import { HookServer, webhookAlertsYaml } from '../support/hook-server.ts';
import { tempDir } from '../support/orchestration-db.ts';
import { ROOT, runwatch } from '../support/processes.ts';
import { waitFor } from '../support/wait.ts';

const OUT = path.join(ROOT, 'test-results', 'screenshots');

const openPage = browserPerFile();

async function shoot(page: Page, name: string): Promise<void> {
  // Times and badges settle once the view has drawn its data.
  await page.waitForTimeout(600);
  await page.screenshot({ path: path.join(OUT, `${name}.png`) });
}

describe('screenshots of the demo', () => {
  it('saves Overview, a run detail and Settings', async () => {
    fs.mkdirSync(OUT, { recursive: true });
    const hook = await new HookServer().start();
    onTestFinished(() => hook.stop());
    const dir = tempDir('runwatch-shots-');
    const config = path.join(dir, 'alerts.yaml');
    fs.writeFileSync(
      config,
      webhookAlertsYaml(hook.url('/hooks/runwatch'), 'ops-hook', [
        '  - name: run-stalled',
        '    match: { type: [run_stalled, run_overdue] }',
        '    severity: warning',
        '    channels: [ops-hook]',
      ]),
    );
    const child = runwatch([
      'serve',
      '--demo',
      '--port',
      '0',
      '--data-dir',
      path.join(dir, 'data'),
      '--config',
      config,
    ]);
    onTestFinished(async () => {
      child.kill('SIGTERM');
      await child.exited;
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const url = await waitFor(
      () => child.stdout.find((line) => line.startsWith('http://')),
      'the URL',
      30_000,
    );

    for (const scheme of ['light', 'dark'] as const) {
      const page = await openPage(url, { colorScheme: scheme, width: 1280, height: 820 });
      const suffix = scheme === 'dark' ? '-dark' : '';
      // Wait until the demo has failed a run and stalled another.
      const attention = page.getByRole('list', { name: 'Needs attention' });
      await expect
        .poll(() => attention.innerText().catch(() => ''), { timeout: 90_000 })
        .toMatch(/Failed[\s\S]*Stalled|Stalled[\s\S]*Failed/);
      await shoot(page, `overview${suffix}`);

      // The failed attempt itself (a retried run runs again meanwhile), as its item links it.
      const failed = attention.locator('[data-run-key]').filter({ hasText: 'Failed' }).first();
      const key = (await failed.getAttribute('data-run-key')) ?? '';
      const runId = key.split('/')[1] ?? '?';
      const link =
        (await failed.getByRole('link', { name: `Open run ${runId}` }).getAttribute('href')) ?? '';
      await page.goto(new URL(link, page.url()).href);
      await expect.poll(() => page.locator('main').innerText()).toContain(runId);
      const timeline = page.getByRole('list', { name: `Steps of ${runId} on a timeline` });
      await expect.poll(() => timeline.getByRole('listitem').count()).toBeGreaterThan(1);
      // Why its step failed, and its zip, as the demo's orchestrator and Runwatch wrote them.
      await expect.poll(() => page.getByRole('list', { name: 'Why steps failed' }).count()).toBe(1);
      await expect
        .poll(() => page.locator('.rd-fact').filter({ hasText: 'Archive' }).innerText(), {
          timeout: 30_000,
        })
        .toMatch(/verified/);
      await shoot(page, `run-detail${suffix}`);

      await page.goto(new URL('#/settings', page.url()).href);
      await expect.poll(() => page.getByRole('button', { name: 'Add Webhook' }).count()).toBe(1);
      // A webhook as a user enters it, tested against the receiver on 127.0.0.1.
      await page.getByRole('button', { name: 'Add Webhook' }).click();
      const card = page.getByRole('article', { name: /webhook/i });
      await card.getByLabel('URL', { exact: true }).fill(hook.url('/hooks/runwatch'));
      await card.getByRole('button', { name: /^Test\b/ }).click();
      await expect.poll(() => card.getByRole('status').innerText()).toMatch(/Sent/);
      await page
        .getByRole('navigation', { name: 'Settings sections' })
        .getByRole('button', { name: 'Channels' })
        .click();
      await shoot(page, `settings${suffix}`);
    }
    for (const name of ['overview', 'run-detail', 'settings']) {
      expect(fs.statSync(path.join(OUT, `${name}.png`)).size).toBeGreaterThan(20_000);
    }
  });
});
