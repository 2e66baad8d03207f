/**
 * A PostgreSQL source in the settings window, over the API: its password is kept with the other
 * secrets (sealed in settings.json, never sent back to the page), and the Test button connects
 * and names the profile it recognised, or says why it cannot, without the password.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SECRET_KEPT, type Results } from '../../shared/api.ts';
import { defaultSettings } from '../../shared/settings.ts';
import { ApiService } from '../../electron/core/api/api-service.ts';
import { silentLogger } from '../../electron/core/log.ts';
import type { SecretCipher } from '../../electron/core/settings/secret-cipher.ts';
import { SettingsStore } from '../../electron/core/settings/settings-store.ts';
import { systemClock } from '../../electron/core/time/clock.ts';
import { FakeDesktop } from '../support/alert-harness.ts';
import { tempDir } from '../support/orchestration-db.ts';
import { createDatabase, pgMissing, type TestDatabase } from '../support/pg-database.ts';
import { RUNWATCH_PG_DDL } from '../support/pg-runwatch-schema.ts';

const missing = pgMissing();

/** Encrypts by reversing and marking: enough to see that nothing is kept in clear. */
const cipher: SecretCipher = {
  protection: 'os',
  encrypt: (plain) => `sealed:${[...plain].reverse().join('')}`,
  decrypt: (stored) => [...stored.slice('sealed:'.length)].reverse().join(''),
};

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function service(dir: string): ApiService {
  const api = new ApiService({
    sources: [],
    transport: 'serve',
    files: { openFolder: null, showFile: () => Promise.resolve({ shown: true }) },
    channels: { desktop: new FakeDesktop() },
    settings: {
      store: new SettingsStore({
        file: path.join(dir, 'settings.json'),
        cipher,
        defaults: defaultSettings([{ name: 'orch', db: path.join(dir, 'o.db') }]),
      }),
      sourcesReadOnly: false,
      applied: () => {},
      appliesAtOnce: [],
    },
    clock: systemClock,
    log: silentLogger,
    patchEveryMs: 20,
  });
  cleanups.push(() => api.close());
  return api;
}

async function call<K extends keyof Results>(
  api: ApiService,
  name: K,
  params: unknown = {},
): Promise<Results[K]> {
  const reply = await api.handle({ name, params });
  if (!reply.ok) throw new Error(`${name}: ${reply.error.message}`);
  return reply.result as Results[K];
}

/** The reader's URL without its password, and the password. */
async function reader(): Promise<{ db: TestDatabase; url: string; password: string }> {
  const db = await createDatabase();
  cleanups.push(() => db.drop());
  await db.exec(RUNWATCH_PG_DDL);
  await db.exec(
    `INSERT INTO runs (run_id, status, created_at, updated_at) VALUES ('r1', 'running', now(), now())`,
  );
  const withPassword = new URL(await db.readOnlyRole(['runs', 'steps']));
  const password = decodeURIComponent(withPassword.password);
  withPassword.password = '';
  return { db, url: withPassword.href, password };
}

describe(
  missing
    ? `a PostgreSQL source in the settings (skipped: ${missing})`
    : 'a PostgreSQL source in the settings',
  () => {
    it.skipIf(missing !== null)(
      'keeps its password sealed and never sends it back; Test names the schema it recognised',
      async () => {
        const { url, password } = await reader();
        const dir = tempDir();
        const api = service(dir);

        const tested = await call(api, 'testSource', { db: url, password });
        expect(tested).toEqual({
          ok: true,
          schema: { name: 'runwatch', detected: true },
          active: 1,
          finished: 0,
          error: null,
        });

        await call(api, 'saveSettings', {
          settings: { sources: [{ name: 'prod', db: url, password }] },
        });
        const stored = fs.readFileSync(path.join(dir, 'settings.json'), 'utf8');
        expect(stored).not.toContain(password);
        const view = (await call(api, 'getSettings')).settings.sources[0];
        expect(view).toEqual({ name: 'prod', db: url, password: SECRET_KEPT });

        // From the page's masked view: the saved password is used, never sent.
        const again = await call(api, 'testSource', {
          db: url,
          password: SECRET_KEPT,
          name: 'prod',
        });
        expect(again.ok).toBe(true);
        // Saved back unchanged, it stays the password it was.
        await call(api, 'saveSettings', { settings: { sources: [{ ...view }] } });
        expect(fs.readFileSync(path.join(dir, 'settings.json'), 'utf8')).toBe(stored);
      },
    );

    it.skipIf(missing !== null)(
      'a wrong password, or none kept, is said plainly, without the password',
      async () => {
        const { url } = await reader();
        const api = service(tempDir());
        const wrong = await call(api, 'testSource', { db: url, password: 'not-it' });
        expect(wrong.ok).toBe(false);
        expect(wrong.error).toMatch(/password authentication failed/);
        expect(wrong.error).not.toContain('not-it');
        const reply = await api.handle({
          name: 'testSource',
          params: { db: url, password: SECRET_KEPT, name: 'nobody' },
        });
        expect(reply.ok ? null : reply.error.message).toBe(
          'testSource: password: no saved password to keep; enter it again',
        );
        expect(
          (
            await api.handle({
              name: 'saveSettings',
              params: { settings: { sources: [{ name: 'f', db: '/data/o.db', password: 'x' }] } },
            })
          ).ok,
        ).toBe(false);
      },
    );
  },
);
