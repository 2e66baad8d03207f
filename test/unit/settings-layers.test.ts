import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../electron/core/alerts/config-file.ts';
import { resolveMonitorSettings } from '../../electron/core/monitor/monitor-settings.ts';
import { settingsLayers } from '../../electron/core/settings/settings-layers.ts';
import { checkSettings, type Settings, type SettingsInput } from '../../shared/settings.ts';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

const FILE = '/etc/runwatch/alerts.yaml';

function settingsOf(input: Omit<SettingsInput, 'sources'>): Settings {
  const checked = checkSettings({ sources: [{ name: 'etl', db: '/data/o.db' }], ...input });
  if (!checked.ok) throw new Error(checked.issues.map((issue) => issue.message).join('\n'));
  return checked.settings;
}

const CONFIG = [
  'channels:',
  '  desktop:',
  '    type: desktop',
  '  slack:',
  '    type: slack',
  '    webhook_url: ${SLACK_WEBHOOK_URL}',
  'rules:',
  '  - name: run-failed',
  '    match: { type: run_completed, outcome: failed }',
  '    severity: critical',
  '    channels: [desktop, slack, ops-hook]',
  'quiet_hours:',
  '  from: "22:00"',
  '  to: "07:00"',
  'monitor:',
  '  stall_after: 20m',
  '  source_grace: 2m',
  'pipelines:',
  '  "train-*":',
  '    stall_after: 3h',
  '    max_duration: 12h',
  '',
].join('\n');

describe('the settings layer over alerts.yaml', () => {
  const settings = settingsOf({
    channels: {
      slack: { type: 'slack', webhook_url: 'https://hooks.slack.com/services/T0/B0/SETTINGSPATH' },
      'ops-hook': {
        type: 'webhook',
        url: 'https://ops.example.com/hook',
        secret: 'sign-me-please',
        min_severity: 'error',
      },
    },
    quiet_hours: { from: '23:30', to: '6:15', channels: ['slack'], except: 'critical' },
  });

  it('replaces the file channel of the same name and adds channels the rules may name', () => {
    const { alerts } = parseConfig(CONFIG, FILE, {
      env: {},
      layer: settingsLayers(settings).alerts,
    });
    expect(alerts.channels.get('slack')).toMatchObject({
      origin: 'settings',
      inactive: null,
      config: { webhook_url: 'https://hooks.slack.com/services/T0/B0/SETTINGSPATH' },
    });
    expect(alerts.channels.get('ops-hook')).toMatchObject({
      origin: 'settings',
      type: 'webhook',
      config: { min_severity: 'error', rate_limit: 20, headers: {} },
    });
    expect(alerts.channels.get('desktop')?.origin).toBe('file');
  });

  it('keeps the settings secrets out of logs like the file secrets', () => {
    const { alerts } = parseConfig(CONFIG, FILE, {
      env: {},
      layer: settingsLayers(settings).alerts,
    });
    expect(alerts.secrets).toEqual(
      expect.arrayContaining(['/services/T0/B0/SETTINGSPATH', 'sign-me-please']),
    );
  });

  it("takes quiet hours from settings over the file's", () => {
    const { alerts } = parseConfig(CONFIG, FILE, {
      env: {},
      layer: settingsLayers(settings).alerts,
    });
    expect(alerts.quietHours).toEqual({
      from: 23 * 60 + 30,
      to: 6 * 60 + 15,
      channels: ['slack'],
      except: 'critical',
    });
  });

  it("leaves the file's quiet hours and channels when settings have none", () => {
    const layer = settingsLayers(settingsOf({})).alerts;
    const { alerts } = parseConfig(CONFIG.replace(', ops-hook]', ']'), FILE, { env: {}, layer });
    expect(alerts.quietHours).toEqual({ from: 22 * 60, to: 7 * 60, channels: null, except: null });
    expect(alerts.channels.get('slack')).toMatchObject({
      origin: 'file',
      inactive: 'SLACK_WEBHOOK_URL is not set',
    });
  });
});

describe('the settings layer of monitoring', () => {
  const config = parseConfig(CONFIG.replace(', ops-hook]', ']'), FILE, { env: {} });
  const configLayer = { globals: config.monitor, pipelines: config.pipelines };

  it('maps every global threshold, and beats the config file but not a flag', () => {
    const settings = settingsOf({
      monitor: {
        poll: 250,
        stall_after: 45 * MINUTE,
        source_grace: 90 * SECOND,
        settle: 2 * SECOND,
        stale_after: 12 * HOUR,
        max_alert_age: 3 * HOUR,
        keep_history: 90 * 24 * HOUR,
      },
    });
    const resolved = resolveMonitorSettings({
      flags: { poll: 50 },
      settings: settingsLayers(settings).monitor,
      config: configLayer,
    });
    expect(resolved).toMatchObject({
      poll: 50,
      stallAfter: 45 * MINUTE,
      sourceGrace: 90 * SECOND,
      settle: 2 * SECOND,
      staleAfter: 12 * HOUR,
      maxAlertAge: 3 * HOUR,
      keepHistory: 90 * 24 * HOUR,
    });
    expect(resolved.origin).toEqual({
      poll: 'flag',
      stallAfter: 'settings',
      sourceGrace: 'settings',
      settle: 'settings',
      staleAfter: 'settings',
      maxAlertAge: 'settings',
      keepHistory: 'settings',
    });
  });

  it('leaves unset thresholds to the config file and the defaults', () => {
    const resolved = resolveMonitorSettings({
      settings: settingsLayers(settingsOf({ monitor: { poll: 250 } })).monitor,
      config: configLayer,
    });
    expect(resolved.origin).toMatchObject({
      poll: 'settings',
      stallAfter: 'config',
      sourceGrace: 'config',
      staleAfter: 'default',
    });
    expect(resolved.stallAfter).toBe(20 * MINUTE);
  });

  it("puts the window's pipeline overrides before the file's, field by field", () => {
    const settings = settingsOf({
      monitor: {
        pipelines: [
          { pattern: 'train-resnet', stall_after: 5 * HOUR },
          { pattern: 'etl-?', max_duration: 2 * HOUR },
        ],
      },
    });
    const resolved = resolveMonitorSettings({
      settings: settingsLayers(settings).monitor,
      config: configLayer,
    });
    expect(resolved.thresholds('train-resnet')).toEqual({
      stallAfter: 5 * HOUR,
      maxDuration: 12 * HOUR,
    });
    expect(resolved.thresholds('train-bert')).toEqual({
      stallAfter: 3 * HOUR,
      maxDuration: 12 * HOUR,
    });
    expect(resolved.thresholds('etl-1')).toEqual({
      stallAfter: 20 * MINUTE,
      maxDuration: 2 * HOUR,
    });
    expect(resolved.thresholds('etl-10')).toEqual({ stallAfter: 20 * MINUTE, maxDuration: null });
  });
});

describe('the settings layer of archiving', () => {
  it('turns the limits into a retention policy, both off unless set', () => {
    expect(settingsLayers(settingsOf({})).archive).toEqual({
      enabled: true,
      retention: { keepDays: null, maxBytes: null },
      artifacts: { roots: [], maxFiles: null, maxBytes: null },
    });
    expect(
      settingsLayers(settingsOf({ archive: { enabled: false, keep_days: 30, max_gb: 1.5 } }))
        .archive,
    ).toMatchObject({ enabled: false, retention: { keepDays: 30, maxBytes: 1.5 * 1024 ** 3 } });
  });

  it('adds the artifact roots and caps per archive, the built-in caps unless set', () => {
    const archive = {
      artifact_roots: ['/mnt/outputs', '/srv/models'],
      max_files_per_run: 500_000,
      max_gb_per_run: 200,
    };
    expect(settingsLayers(settingsOf({ archive })).archive.artifacts).toEqual({
      roots: ['/mnt/outputs', '/srv/models'],
      maxFiles: 500_000,
      maxBytes: 200 * 1024 ** 3,
    });
  });

  it('names a relative root, and caps that are not counts or sizes', () => {
    const checked = checkSettings({
      sources: [{ name: 'etl', db: '/data/o.db' }],
      archive: { artifact_roots: ['outputs'], max_files_per_run: 0, max_gb_per_run: -1 },
    });
    expect(
      checked.ok ? [] : checked.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    ).toEqual([
      'archive.artifact_roots.0: expected an absolute path',
      'archive.max_files_per_run: expected a whole number of files, 1 or more',
      'archive.max_gb_per_run: expected a number of GB above 0',
    ]);
  });
});
