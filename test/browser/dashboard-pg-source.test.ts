/**
 * The Sources panel with a PostgreSQL source, in real Chromium, as the app's settings window has
 * it (sources editable): a server's URL brings a password field and a Test button, which
 * connects to a real server and names the schema it recognised, or says why it cannot read it,
 * with the password masked.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../../shared/settings.ts';
import { ApiService } from '../../electron/core/api/api-service.ts';
import { dashboardFolder } from '../../electron/core/desktop/ui-folder.ts';
import { silentLogger } from '../../electron/core/log.ts';
import { DownloadRegistry } from '../../electron/core/serve/download-registry.ts';
import { ServeServer } from '../../electron/core/serve/serve-server.ts';
import { plainCipher } from '../../electron/core/settings/secret-cipher.ts';
import { SettingsStore } from '../../electron/core/settings/settings-store.ts';
import { systemClock } from '../../electron/core/time/clock.ts';
import { FakeDesktop } from '../support/alert-harness.ts';
import { browserPerFile } from '../support/browser.ts';
import { createDatabase, pgMissing } from '../support/pg-database.ts';
import { RUNWATCH_PG_DDL } from '../support/pg-runwatch-schema.ts';

const missing = pgMissing();
const open = browserPerFile();

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The dashboard over HTTP with the settings of the app: sources editable. */
async function dashboard(): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runwatch-pg-source-'));
  const api = new ApiService({
    sources: [],
    transport: 'serve',
    files: { openFolder: null, showFile: () => Promise.resolve({ shown: true }) },
    channels: { desktop: new FakeDesktop() },
    settings: {
      store: new SettingsStore({
        file: path.join(dir, 'settings.json'),
        cipher: plainCipher,
        defaults: defaultSettings([{ name: 'orch', db: path.join(dir, 'orchestration.db') }]),
      }),
      sourcesReadOnly: false,
      applied: () => {},
      appliesAtOnce: [],
    },
    clock: systemClock,
    log: silentLogger,
  });
  const server = new ServeServer({
    endpoint: api,
    root: dashboardFolder(),
    downloads: new DownloadRegistry(),
    log: silentLogger,
    port: 0,
  });
  const address = await server.start();
  cleanups.push(async () => {
    await server.close();
    api.close();
  });
  return `${address.url}#/settings`;
}

describe(
  missing
    ? `a PostgreSQL source in Settings (skipped: ${missing})`
    : 'a PostgreSQL source in Settings',
  () => {
    it.skipIf(missing !== null)(
      'asks for its password, and Test names the schema, or the refusal with the password masked',
      async () => {
        const db = await createDatabase();
        cleanups.push(() => db.drop());
        await db.exec(RUNWATCH_PG_DDL);
        await db.exec(
          `INSERT INTO runs (run_id, status, created_at, updated_at)
           VALUES ('r1', 'running', now(), now()), ('r2', 'failed', now(), now())`,
        );
        const reader = new URL(await db.readOnlyRole(['runs', 'steps']));
        const password = decodeURIComponent(reader.password);
        reader.password = '';
        const page = await open(await dashboard());

        const passwordField = page.getByLabel('Password of orch');
        await expect.poll(() => passwordField.count()).toBe(0);
        await page.getByLabel('Database of orch', { exact: true }).fill(reader.href);
        await passwordField.fill(password);
        const test = page.getByRole('button', { name: 'Test the connection of orch' });
        await test.click();
        const result = page.locator('.set-server-source .set-test-result');
        await expect
          .poll(() => result.innerText())
          .toBe('runwatch (recognised): 1 active, 1 finished runs');

        await passwordField.fill('not-it');
        await test.click();
        await expect.poll(() => result.innerText()).toMatch(/password authentication failed/);
        expect(await result.innerText()).not.toContain('not-it');
      },
    );
  },
);
