/**
 * The Settings view against `runwatch serve`: a webhook added (its name field taking the focus)
 * and entered for a receiver on 127.0.0.1 is tested for real and saved; an invalid URL is
 * pointed out where it was typed and never saved.
 * Against `runwatch serve --demo`: the thresholds in force, and where each comes from.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { browserPerFile } from '../support/browser.ts';
import { startDashboardServer } from '../support/dashboard-server.ts';
import { HookServer } from '../support/hook-server.ts';
import { tempDir } from '../support/orchestration-db.ts';
import { runwatch } from '../support/processes.ts';
import { waitFor } from '../support/wait.ts';

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
    // The new channel's name takes the typing at once; paths and URLs get no spelling marks.
    const name = card.getByLabel('Name', { exact: true });
    await expect.poll(() => name.evaluate((input) => input === document.activeElement)).toBe(true);
    expect(await url.getAttribute('spellcheck')).toBe('false');

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

    // A second channel added takes the typing too: a browser honours `autofocus` only once a page.
    await page.getByRole('button', { name: 'Add Slack' }).click();
    const slackName = page
      .getByRole('article', { name: /slack/i })
      .getByLabel('Name', { exact: true });
    await expect
      .poll(() => slackName.evaluate((input) => input === document.activeElement))
      .toBe(true);
  });

  it('Archive: the ticked box says what it does; artifact roots must be full paths, and are saved', async () => {
    const server = await startDashboardServer();
    onTestFinished(() => server.stop());
    const settingsFile = path.join(server.dataDir, 'settings.json');
    const page = await openPage(server.url);
    await page.goto(new URL('#/settings', page.url()).href);
    const panel = page.getByRole('region', { name: 'Archive' });
    const description = async (label: string) => {
      const ids = (await panel.getByLabel(label).getAttribute('aria-describedby')) ?? '';
      return (
        await page
          .locator(
            ids
              .split(' ')
              .map((id) => `#${id}`)
              .join(', '),
          )
          .allInnerTexts()
      ).join(' ');
    };

    const box = panel.getByLabel('Archive each finished run’s artifacts as a zip');
    expect(await box.isChecked()).toBe(true);
    const caption = await description('Archive each finished run’s artifacts as a zip');
    expect(caption).toMatch(/zipped/);
    expect(caption).not.toMatch(/\b(off|without a zip)\b/i);

    const roots = panel.getByLabel('Also archive artifacts folders under');
    const save = page.getByRole('button', { name: 'Save', exact: true });
    await roots.fill('/mnt/outputs\nscratch/out');
    await expect.poll(() => roots.getAttribute('aria-invalid')).toBe('true');
    expect(await description('Also archive artifacts folders under')).toContain(
      'scratch/out: expected an absolute path',
    );
    expect(await save.isDisabled()).toBe(true);

    await roots.fill('/mnt/outputs\n/srv/models');
    await panel.getByLabel('Files per archive, at most').fill('200000');
    await expect.poll(() => roots.getAttribute('aria-invalid')).not.toBe('true');
    await save.click();
    await expect
      .poll(() =>
        fs.existsSync(settingsFile)
          ? (JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as { archive?: unknown }).archive
          : null,
      )
      .toEqual({
        enabled: true,
        artifact_roots: ['/mnt/outputs', '/srv/models'],
        max_files_per_run: 200_000,
      });
  });
});

describe('the thresholds in force', () => {
  it("shows the demo's 20 s stall threshold as in force, where each value is from, and when saves apply", async () => {
    const dir = tempDir('runwatch-browser-');
    const child = runwatch(
      ['serve', '--demo', '--data-dir', path.join(dir, 'data'), '--port', '0', '--poll', '50ms'],
      { XDG_CONFIG_HOME: path.join(dir, 'home') },
    );
    onTestFinished(async () => {
      child.kill('SIGTERM');
      await child.exited;
      fs.rmSync(dir, { recursive: true, force: true });
    });
    const url = await waitFor(
      () => child.stdout.find((line) => /^http:\/\/127\.0\.0\.1:\d+\/\?token=/.test(line)),
      'the URL serve prints',
      30_000,
    );
    const page = await openPage(url);
    await page.goto(new URL('#/settings', page.url()).href);

    const stall = page.getByLabel('Stalled after', { exact: true });
    await expect.poll(() => stall.getAttribute('placeholder')).toBe('20s');
    const inForce = (key: string) => page.locator(`.set-in-force[data-threshold="${key}"]`);
    expect(await inForce('stall_after').innerText()).toBe('In force: 20 s — from the demo');
    expect(await inForce('source_grace').innerText()).toBe('In force: 1 min — built-in default');
    expect(await inForce('poll').innerText()).toBe('In force: 50 ms — from --poll');
    const describedBy = (await stall.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`#${describedBy.split(' ').join(', #')}`).allInnerTexts()).toEqual([
      expect.stringContaining('In force: 20 s — from the demo'),
    ]);
    await expect
      .poll(() =>
        page.getByRole('list', { name: 'Per-pipeline overrides in force' }).allInnerTexts(),
      )
      .toEqual(['train-*: stalled after 3 h, overdue after 12 h — from alerts.yaml']);

    const thresholds = page.getByRole('region', { name: /^Thresholds/ });
    expect(await thresholds.locator('.set-when').innerText()).toBe('Applies when serve restarts');
    const channels = page.getByRole('region', { name: /^Channels/ });
    expect(await channels.locator('.set-when').innerText()).toBe('Applies on save');
  });
});
