import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import {
  SECRET_KEPT,
  type ApiReply,
  type FinishedRunView,
  type Page,
  type SettingsView,
  type Snapshot,
} from '../../shared/api.ts';
import { HookServer } from '../support/hook-server.ts';
import { tempDir } from '../support/orchestration-db.ts';
import { killedAfterEach, runwatch } from '../support/processes.ts';
import { connect, signIn, type ApiClient } from '../support/serve-harness.ts';
import { waitFor, waitForAsync } from '../support/wait.ts';

const track = killedAfterEach();

let nextId = 1;
async function ask<T>(client: ApiClient, name: string, params: unknown = {}): Promise<T> {
  const reply = (await client.request(nextId++, { name, params })) as ApiReply<never>;
  if (!reply.ok) throw new Error(`${name}: ${reply.error.message}`);
  return reply.result as T;
}

describe('runwatch serve', () => {
  it('prints the URL to open, serves the demo through the API, offers a zip as a download, and stops cleanly', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const child = track(
      runwatch(['serve', '--demo', '--port', '0', '--data-dir', dataDir, '--poll', '50ms']),
    );
    const url = await waitFor(
      () => child.stdout.find((line) => /^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+$/.test(line)),
      'the URL line',
      30_000,
    );
    expect(child.stdout).toEqual([url]);
    const port = Number(new URL(url).port);
    const cookie = await signIn(url);
    const page = await fetch(`http://127.0.0.1:${port}/`, { headers: { cookie } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<html');

    const client = await connect(port, { cookie });
    const snapshot = await waitForAsync(
      async () => {
        const current = await ask<Snapshot>(client, 'snapshot');
        return current.runs.length > 0 ? current : null;
      },
      'the demo to start runs',
      60_000,
      250,
    );
    expect(snapshot.transport).toBe('serve');
    expect(snapshot.sources).toEqual([
      expect.objectContaining({
        name: 'demo',
        state: 'up',
        demo: true,
        schema: expect.objectContaining({ name: 'runwatch', detected: true }),
      }),
    ]);

    const archived = await waitForAsync(
      async () => {
        const finished = await ask<Page<FinishedRunView>>(client, 'finishedRuns', { limit: 50 });
        return finished.items.find((run) => run.archive !== null) ?? null;
      },
      'a finished run with its zip',
      60_000,
      250,
    );
    const shown = await ask<{ download: string }>(client, 'showRunFile', {
      source: 'demo',
      run_id: archived.run_id,
      attempt: archived.attempt,
      file: 'zip',
    });
    const zip = await fetch(`http://127.0.0.1:${port}${shown.download}`, { headers: { cookie } });
    expect(zip.status).toBe(200);
    expect(zip.headers.get('content-disposition')).toMatch(/^attachment/);
    const bytes = Buffer.from(await zip.arrayBuffer());
    expect(bytes.length).toBe(archived.archive?.bytes);
    expect(bytes.subarray(0, 2).toString()).toBe('PK');
    expect((await fetch(`http://127.0.0.1:${port}${shown.download}`)).status).toBe(401);

    child.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
  }, 120_000);

  it('refuses a port already taken, saying which', async () => {
    const dataDir = path.join(tempDir(), 'data');
    const first = track(runwatch(['serve', '--demo', '--port', '0', '--data-dir', dataDir]));
    const url = await waitFor(
      () => first.stdout.find((line) => line.startsWith('http://')),
      'the URL line',
      30_000,
    );
    const port = new URL(url).port;
    const second = track(
      runwatch(['serve', '--demo', '--port', port, '--data-dir', path.join(tempDir(), 'data')]),
    );
    const { code } = await second.exited;
    expect(code).toBe(1);
    expect(second.stderr).toContain(
      `runwatch: cannot listen on 127.0.0.1:${port}: the port is in use (choose with --port and --host; --port 0 picks a free port)`,
    );
  }, 60_000);

  it('edits the channels from the settings window: saved, masked when read back, and in effect at once', async () => {
    const hook = await new HookServer().start();
    onTestFinished(() => hook.stop());
    const dataDir = path.join(tempDir(), 'data');
    const child = track(
      runwatch(['serve', '--demo', '--port', '0', '--data-dir', dataDir, '--poll', '50ms'], {
        OPS_WEBHOOK_URL: '',
      }),
    );
    const url = await waitFor(
      () => child.stdout.find((line) => line.startsWith('http://')),
      'the URL line',
      30_000,
    );
    const port = Number(new URL(url).port);
    const client = await connect(port, { cookie: await signIn(url) });

    const before = await ask<SettingsView>(client, 'getSettings');
    expect(before).toMatchObject({ protection: 'none', sources_read_only: true });
    expect(before.notice).toMatch(/not encrypted/);
    const secretPath = '/hooks/ops/SECRET-TOKEN';
    const invalid = (await client.request(nextId++, {
      name: 'saveSettings',
      params: {
        settings: {
          ...before.settings,
          channels: { 'ops-hook': { type: 'webhook', url: 'not a url' } },
        },
      },
    })) as ApiReply<never>;
    expect(invalid.ok ? '' : invalid.error.message).toMatch(/^saveSettings: /);
    expect(fs.existsSync(path.join(dataDir, 'settings.json'))).toBe(false);

    await ask(client, 'saveSettings', {
      settings: {
        ...before.settings,
        channels: { 'ops-hook': { type: 'webhook', url: hook.url(secretPath) } },
      },
    });
    const file = path.join(dataDir, 'settings.json');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const after = await ask<SettingsView>(client, 'getSettings');
    expect(after.settings.channels['ops-hook']).toMatchObject({
      type: 'webhook',
      url: SECRET_KEPT,
    });
    // Saved back as shown, the secret stays what it was.
    await ask(client, 'saveSettings', { settings: after.settings });
    expect(fs.readFileSync(file, 'utf8')).toContain(secretPath);

    // The shipped rules send failures and stalls to ops-hook: the demo's reach the server now.
    await waitFor(() => hook.to(secretPath)[0], 'an alert through the saved channel', 90_000);
    child.kill('SIGTERM');
    expect((await child.exited).code).toBe(0);
  }, 150_000);
});
