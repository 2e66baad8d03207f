import { createHmac } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SECRET_KEPT, type PushMessage, type Results } from '../../shared/api.ts';
import { defaultSettings } from '../../shared/settings.ts';
import type { SettingsAccess } from '../../electron/core/api/api-options.ts';
import { ApiService } from '../../electron/core/api/api-service.ts';
import type { ApiSource } from '../../electron/core/api/source-views.ts';
import { loadSettings } from '../../electron/core/cli/load-settings.ts';
import { parseConfig } from '../../electron/core/alerts/config-file.ts';
import { silentLogger } from '../../electron/core/log.ts';
import { resolveMonitorSettings } from '../../electron/core/monitor/monitor-settings.ts';
import { SourceSession } from '../../electron/core/session/source-session.ts';
import { plainCipher } from '../../electron/core/settings/secret-cipher.ts';
import { settingsLayers } from '../../electron/core/settings/settings-layers.ts';
import { SettingsStore } from '../../electron/core/settings/settings-store.ts';
import { systemClock } from '../../electron/core/time/clock.ts';
import { FakeDesktop } from '../support/alert-harness.ts';
import { cleanupAfterEach } from '../support/cleanup.ts';
import { HookServer } from '../support/hook-server.ts';
import { OrchestrationDb, tempDir } from '../support/orchestration-db.ts';
import { waitFor } from '../support/wait.ts';

const cleanup = cleanupAfterEach();

/** A slack channel whose variable is unset: inactive until the settings window gives it a URL. */
const CONFIG = `
channels:
  slack:
    type: slack
    webhook_url: \${SLACK_WEBHOOK_URL}
rules:
  - name: run-failed
    match: { type: run_completed, outcome: failed }
    severity: critical
    channels: [slack]
`;

function api(sources: ApiSource[], settings: SettingsAccess): ApiService {
  const service = new ApiService({
    sources,
    transport: 'serve',
    files: { openFolder: null, showFile: () => Promise.resolve({ shown: true }) },
    channels: { desktop: new FakeDesktop() },
    settings,
    clock: systemClock,
    log: silentLogger,
    patchEveryMs: 20,
  });
  cleanup.push(() => service.close());
  return service;
}

function settingsStore(dir: string, db: string): SettingsStore {
  return new SettingsStore({
    file: path.join(dir, 'settings.json'),
    cipher: plainCipher,
    defaults: defaultSettings([{ name: 'orch', db }]),
  });
}

async function call<K extends keyof Results>(
  service: ApiService,
  name: K,
  params: unknown = {},
): Promise<Results[K]> {
  const reply = await service.handle({ name, params });
  if (!reply.ok) throw new Error(`${name}: ${reply.error.message}`);
  return reply.result as Results[K];
}

describe('the settings window over the API', () => {
  it('tests a saved channel from its masked view, with the saved secrets', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'orchestration.db');
    const service = api([], {
      store: settingsStore(dir, db),
      sourcesReadOnly: true,
      applied: () => {},
      appliesAtOnce: [],
    });
    const hook = await new HookServer().start();
    cleanup.push(() => hook.stop());
    const secretPath = '/hooks/T000/SECRET-TOKEN';
    await call(service, 'saveSettings', {
      settings: {
        sources: [{ name: 'orch', db }],
        channels: {
          'ops-hook': { type: 'webhook', url: hook.url(secretPath), secret: 'hmac-key' },
        },
      },
    });
    const view = (await call(service, 'getSettings')).settings.channels['ops-hook'];
    expect(view).toMatchObject({ url: SECRET_KEPT, secret: SECRET_KEPT });

    const result = await call(service, 'testChannel', { name: 'ops-hook', channel: view });
    expect(result).toMatchObject({ ok: true, status: 200, error: null });
    const [received] = hook.to(secretPath);
    expect(received?.json).toMatchObject({ test: true });
    // Signed with the saved secret, not with the mask.
    const signature = createHmac('sha256', 'hmac-key')
      .update(received?.body ?? '')
      .digest('hex');
    expect(received?.headers['x-runwatch-signature']).toBe(`sha256=${signature}`);

    // A masked secret with no saved channel of that name behind it is never sent.
    for (const params of [{ channel: view }, { name: 'other-hook', channel: view }]) {
      const refused = await service.handle({ name: 'testChannel', params });
      expect(refused.ok ? null : refused.error).toEqual({
        code: 'invalid',
        message: 'testChannel: channel.url: no saved secret to keep; enter it again',
      });
    }
    expect(hook.received).toHaveLength(1);
  });

  it('pushes the alerts summary once saved channels are in effect', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'orchestration.db');
    const orch = new OrchestrationDb(db);
    cleanup.push(() => orch.close());
    const configFile = path.join(dir, 'alerts.yaml');
    fs.writeFileSync(configFile, CONFIG);
    const session = SourceSession.open({
      name: 'orch',
      dbPath: db,
      dataDir: path.join(dir, 'data'),
      config: parseConfig(CONFIG, configFile, { env: {} }),
      reload: (layer) =>
        parseConfig(fs.readFileSync(configFile, 'utf8'), configFile, {
          env: {},
          layer,
        }),
      settings: resolveMonitorSettings({ flags: { poll: 20 } }),
      channels: { desktop: new FakeDesktop() },
      log: silentLogger,
    });
    session.start();
    cleanup.push(() => session.stop());
    const service = api([{ name: 'orch', db, demo: false, session }], {
      store: settingsStore(dir, db),
      sourcesReadOnly: true,
      applied: (saved) => session.alerts.useAlertLayer(settingsLayers(saved).alerts),
      appliesAtOnce: ['channels', 'quiet_hours'],
    });
    const pushed: PushMessage[] = [];
    service.subscribe((message) => pushed.push(message));
    await waitFor(() => session.monitor.healthy, 'the source up');
    const before = (await call(service, 'snapshot')).alerts.orch;
    expect(before?.inactive_channels.map((channel) => channel.channel)).toEqual(['slack']);
    expect(before?.rules_without_channel).toEqual(['run-failed']);

    pushed.length = 0;
    await call(service, 'saveSettings', {
      settings: {
        sources: [{ name: 'orch', db }],
        channels: { slack: { type: 'slack', webhook_url: 'https://hooks.example/services/x' } },
      },
    });
    const patch = await waitFor(
      () => pushed.find((message) => message.type === 'patch'),
      'the next patch',
    );
    expect(patch.type === 'patch' && patch.patch.alerts?.orch).toMatchObject({
      inactive_channels: [],
      rules_without_channel: [],
    });
  });
});

describe('thresholds in force, over the API', () => {
  it('gives each source the value in force of every threshold and where it is from, per-pipeline overrides included', async () => {
    const dir = tempDir();
    const demoDb = path.join(dir, 'demo.db');
    const orchDb = path.join(dir, 'orch.db');
    for (const db of [demoDb, orchDb]) {
      const orch = new OrchestrationDb(db);
      cleanup.push(() => orch.close());
    }
    const configFile = path.join(dir, 'alerts.yaml');
    fs.writeFileSync(
      configFile,
      `${CONFIG}monitor:\n  source_grace: 2m\npipelines:\n  'train-*': { stall_after: 3h, max_duration: 12h }\n`,
    );
    const saved = defaultSettings([
      { name: 'demo', db: demoDb },
      { name: 'orch', db: orchDb },
    ]);
    saved.monitor = { pipelines: [{ pattern: 'etl-[0-9]*', stall_after: 300_000 }], settle: 5_000 };
    const store = settingsStore(dir, orchDb);
    await store.save(saved);
    const open = (name: string, db: string, demo: boolean) => {
      const { config, settings } = loadSettings(
        { config: configFile, demo, poll: 20 },
        settingsLayers(saved),
      );
      const session = SourceSession.open({
        name,
        dbPath: db,
        dataDir: path.join(dir, 'data', name),
        config,
        reload: null,
        settings,
        channels: { desktop: new FakeDesktop() },
        log: silentLogger,
      });
      cleanup.push(() => session.stop());
      return { name, db, demo, session };
    };
    const service = api([open('demo', demoDb, true), open('orch', orchDb, false)], {
      store,
      sourcesReadOnly: false,
      applied: () => {},
      appliesAtOnce: ['channels', 'quiet_hours', 'start_at_login'],
    });

    const view = await call(service, 'getSettings');
    const [demo, orch] = view.in_force;
    expect(demo?.source).toBe('demo');
    expect(demo?.config_file).toBe(configFile);
    expect(demo?.thresholds.stall_after).toEqual({
      value_ms: 20_000,
      origin: 'demo',
      layers: { default: 1_800_000, demo: 20_000 },
    });
    expect(orch?.thresholds.stall_after).toEqual({
      value_ms: 1_800_000,
      origin: 'default',
      layers: { default: 1_800_000 },
    });
    expect(orch?.thresholds.source_grace).toMatchObject({ value_ms: 120_000, origin: 'config' });
    expect(orch?.thresholds.settle).toMatchObject({ value_ms: 5_000, origin: 'settings' });
    expect(orch?.thresholds.poll).toEqual({
      value_ms: 20,
      origin: 'flag',
      layers: { default: 100, flag: 20 },
    });
    expect(orch?.pipelines).toEqual([
      { pattern: 'etl-[0-9]*', stall_after_ms: 300_000, max_duration_ms: null, origin: 'settings' },
      {
        pattern: 'train-*',
        stall_after_ms: 10_800_000,
        max_duration_ms: 43_200_000,
        origin: 'config',
      },
    ]);
    expect(view.applies.now).toEqual(['quiet_hours', 'start_at_login', 'channels']);
    expect(view.applies.at_restart).toEqual(
      expect.arrayContaining(['sources', 'monitor', 'archive', 'alerts_config']),
    );
    expect(view.applies.at_restart).not.toContain('channels');
  });
});

describe('a refused save, over the API', () => {
  it('names each problem at its field, a bad header name as a name', async () => {
    const dir = tempDir();
    const db = path.join(dir, 'orchestration.db');
    const service = api([], {
      store: settingsStore(dir, db),
      sourcesReadOnly: false,
      applied: () => {},
      appliesAtOnce: [],
    });
    const reply = await service.handle({
      name: 'saveSettings',
      params: {
        settings: {
          sources: [{ name: 'orch', db }],
          monitor: { pipelines: [{ pattern: 'etl-[a-', stall_after: 60_000 }] },
          channels: {
            hook: {
              type: 'webhook',
              url: 'https://ops.example.com/hook',
              headers: { 'X Api Key': 'k' },
            },
          },
        },
      },
    });
    expect(reply.ok ? null : reply.error).toEqual({
      code: 'invalid',
      message: expect.stringMatching(/^saveSettings: monitor\.pipelines\[0\]\.pattern: /),
      issues: [
        {
          path: ['monitor', 'pipelines', 0, 'pattern'],
          message:
            'the [ at character 5 is never closed: end the set with ], or write [[] for a [ itself',
        },
        {
          path: ['channels', 'hook', 'headers', 'X Api Key'],
          message:
            'bad name: a header name is letters, digits and - only (no spaces, colons or quotes)',
          key: true,
        },
      ],
    });
    expect(fs.existsSync(path.join(dir, 'settings.json'))).toBe(false);
  });
});
