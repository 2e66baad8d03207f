/**
 * The Settings view against `runwatch serve`: a webhook entered for a receiver on 127.0.0.1 is
 * tested for real and saved; an invalid URL is pointed out where it was typed and never saved.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { browserPerFile } from '../support/browser.ts';
import { startDashboardServer } from '../support/dashboard-server.ts';
import { HookServer } from '../support/hook-server.ts';

const openPage = browserPerFile();

describe('the Settings view', () => {
  it('tests a webhook as entered, refuses an invalid URL inline, and saves a valid one', async () => {
    const hook = await new HookServer().start();
    onTestFinished(() => hook.stop());
    const server = await startDashboardServer();
    onTestFinished(() => server.stop());
    const settingsFile = path.join(server.dataDir, 'settings.json');
    const page = await openPage(server.url);
    await page.goto(new URL('#/settings', page.url()).href);

    await page.getByRole('button', { name: 'Add Webhook' }).click();
    const card = page.getByRole('article', { name: /webhook/i });
    const url = card.getByLabel('URL', { exact: true });
    const save = page.getByRole('button', { name: 'Save', exact: true });

    await url.fill('not a url');
    await expect.poll(() => url.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await url.getAttribute('aria-describedby')) ?? '';
    const problem = await page
      .locator(
        describedBy
          .split(' ')
          .map((id) => `#${id}`)
          .join(', '),
      )
      .allInnerTexts();
    expect(problem.join(' ')).toMatch(/url/i);
    expect(await save.isDisabled()).toBe(true);
    const before = fs.existsSync(settingsFile) ? fs.readFileSync(settingsFile, 'utf8') : null;

    await url.fill(hook.url('/hooks/test'));
    await expect.poll(() => url.getAttribute('aria-invalid')).not.toBe('true');
    await card.getByRole('button', { name: /^Test\b/ }).click();
    await expect.poll(() => hook.received.length).toBe(1);
    expect(hook.received[0]).toMatchObject({ path: '/hooks/test', json: { test: true } });
    await expect
      .poll(() => card.getByRole('status').innerText())
      .toMatch(/Sent — HTTP 200 in \d+ ms/);
    const unchanged = fs.existsSync(settingsFile) ? fs.readFileSync(settingsFile, 'utf8') : null;
    expect(unchanged).toBe(before);

    await save.click();
    await expect
      .poll(() => (fs.existsSync(settingsFile) ? fs.readFileSync(settingsFile, 'utf8') : ''))
      .toContain(hook.url('/hooks/test'));
    expect(fs.readFileSync(settingsFile, 'utf8')).not.toContain('not a url');
  });
});
