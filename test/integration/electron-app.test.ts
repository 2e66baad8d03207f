/**
 * The desktop app end to end, in a real Electron driven by Playwright: it starts on the demo,
 * shows its dashboard on its own origin with nothing but `window.runwatch` exposed, answers over
 * IPC, lists the demo's runs as they start, keeps its page on the app, lets a second launch
 * leave, and quits cleanly. The desktop is left unnamed, so the app counts on no tray and opens
 * its dashboard (the tray's menu is tested with Electron faked). It skips, saying why, where
 * there is no Electron binary (Electron's download host is not reachable everywhere) or no
 * display to show a window on.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { _electron, type ElectronApplication, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunwatchApi } from '../../shared/api.ts';
import { acquireDataDirLock } from '../../electron/core/store/data-dir-lock.ts';
import { mainEnvironment, preloadEnvironment } from '../../vite.app.config.ts';
import { buildAppEnvironment } from '../support/app-build.ts';
import buildDashboard from '../browser/build-dashboard.ts';
import { tempDir } from '../support/orchestration-db.ts';
import { ROOT } from '../support/processes.ts';
import { displayMissing, electronBinary } from '../../scripts/electron-binary.ts';

/** Why this machine cannot run the app, if it cannot. */
function whyNot(): string | null {
  const binary = electronBinary();
  if ('missing' in binary) return `no Electron binary: ${binary.missing}`;
  return displayMissing();
}

const missing = whyNot();
const binary = electronBinary();
const executable = 'path' in binary ? binary.path : null;

/**
 * What the dashboard's page sees of its world: its globals as the tests read them. This file is typed for Node, so code that runs in
 * the page reaches them through `globalThis as unknown as PageGlobals`.
 */
type PageGlobals = {
  runwatch?: RunwatchApi;
  require?: unknown;
  process?: unknown;
  open(url: string): unknown;
  location: { href: string; hash: string };
};

describe(missing ? `the Electron app (skipped: ${missing})` : 'the Electron app', () => {
  // At the depth of dist/app, inside the repository: the bundle's dependencies come from
  // node_modules and the shipped alerts.yaml from config/, as in the package.
  const outDir = path.join(ROOT, 'dist', `app-e2e-${process.pid}`);
  const userData = tempDir('runwatch-app-');
  let app: ElectronApplication | null = null;
  let page: Page;

  const args = (...extra: string[]) => [
    // Chromium refuses to run as root without this (containers, CI).
    ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
    path.join(outDir, 'main.js'),
    `--user-data-dir=${userData}`,
    ...extra,
  ];

  /** The running app; without one, the test is skipped saying why. */
  function running(skip: (note: string) => never): ElectronApplication {
    if (missing !== null) return skip(missing);
    return app ?? skip('the app did not start');
  }

  beforeAll(async () => {
    // A binary without a display would fail to launch: every test then skips saying why.
    if (executable === null || missing !== null) return;
    await buildDashboard();
    await buildAppEnvironment('main', mainEnvironment(outDir));
    await buildAppEnvironment('preload', preloadEnvironment(outDir));
    app = await _electron.launch({
      executablePath: executable,
      args: args(),
      // No desktop named: the app cannot count on a tray and opens its dashboard.
      env: { ...process.env, XDG_CURRENT_DESKTOP: '' } as Record<string, string>,
      timeout: 60_000,
    });
    page = await app.firstWindow();
  });

  afterAll(async () => {
    await app?.close().catch(() => undefined);
    fs.rmSync(outDir, { recursive: true, force: true });
  });

  it('starts on the demo with its dashboard on the app’s own origin, exposing only window.runwatch', async ({
    skip,
  }) => {
    running(skip);
    expect(page.url()).toMatch(/^app:\/\/runwatch\/index\.html/);
    const seen = await page.evaluate(() => {
      const page = globalThis as unknown as PageGlobals;
      return {
        require: typeof page.require,
        process: typeof page.process,
        api: Object.keys(page.runwatch ?? {}).sort(),
      };
    });
    expect(seen.require).toBe('undefined');
    expect(seen.process).toBe('undefined');
    expect(seen.api).toContain('snapshot');
    expect(seen.api).toContain('subscribe');
    expect(seen.api).not.toContain('invoke');

    const snapshot = await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).runwatch?.snapshot({}),
    );
    expect(snapshot).toMatchObject({ transport: 'ipc', sources: [{ name: 'demo', demo: true }] });
    expect(fs.existsSync(path.join(userData, 'sources', 'demo', 'state.db'))).toBe(true);
  });

  it("shows the demo's runs in its dashboard as they start", async ({ skip }) => {
    running(skip);
    await page.evaluate(() => {
      (globalThis as unknown as PageGlobals).location.hash = '#/active';
    });
    const rows = page.locator('[role="table"][aria-label="Active runs"] [data-run-key]');
    await expect.poll(() => rows.count(), { timeout: 60_000 }).toBeGreaterThan(0);
    expect(await rows.first().getAttribute('data-run-key')).toMatch(/^demo\//);
  });

  it('keeps its page on the app: no new windows, no navigation away', async ({ skip }) => {
    const electronApp = running(skip);
    const opened = await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).open('https://example.com/'),
    );
    expect(opened).toBeNull();
    await page.evaluate(() => {
      (globalThis as unknown as PageGlobals).location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toMatch(/^app:\/\/runwatch\//);
    const urls = await electronApp.evaluate(({ BrowserWindow }) =>
      BrowserWindow.getAllWindows().map((window) => window.webContents.getURL()),
    );
    expect(urls).toHaveLength(1);
  });

  it('lets a second launch leave at once, its dashboard staying the one', async ({ skip }) => {
    const electronApp = running(skip);
    const second = spawn(executable ?? '', args(), { stdio: 'ignore' });
    const code = await new Promise<number | null>((resolve) => second.on('exit', resolve));
    expect(code).toBe(0);
    const windows = await electronApp.evaluate(
      ({ BrowserWindow }) => BrowserWindow.getAllWindows().length,
    );
    expect(windows).toBe(1);
  });

  it('quits cleanly: every session stopped, its data dir free for the next start', async ({
    skip,
  }) => {
    const electronApp = running(skip);
    app = null;
    await electronApp.close();
    const lock = acquireDataDirLock(path.join(userData, 'sources', 'demo'));
    lock.release();
  });
});
