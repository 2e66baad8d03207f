import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { ConfigError, formatProblem } from '../../electron/core/config/yaml-validate.ts';
import { plainCipher, type SecretCipher } from '../../electron/core/settings/secret-cipher.ts';
import type { SettingsMigration } from '../../electron/core/settings/settings-migrations.ts';
import { SettingsStore } from '../../electron/core/settings/settings-store.ts';
import { defaultSettings, type Settings } from '../../shared/settings.ts';

/** Stands in for safeStorage: hex behind a marker, so no plain text survives on disk. */
const hexCipher: SecretCipher = {
  protection: 'os',
  encrypt: (plain) => `v10:${Buffer.from(plain).toString('hex')}`,
  decrypt: (stored) => {
    if (!stored.startsWith('v10:')) throw new Error('not ciphertext');
    return Buffer.from(stored.slice(4), 'hex').toString();
  },
};

const SECRETS = [
  'https://hooks.slack.com/services/T0/B0/SLACKPATH',
  'SLACKPATH',
  'HOOKTOKEN',
  'BEARERTOKEN',
  'SIGNINGSECRET',
  'SMTPPASSWORD',
];

const DEFAULTS = defaultSettings([{ name: 'demo', db: '/var/lib/runwatch/demo/orchestration.db' }]);

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runwatch-settings-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function fullSettings(): Settings {
  return {
    sources: [
      { name: 'etl', db: '/data/etl/orchestration.db' },
      { name: 'training', db: '/data/ml/state.db' },
    ],
    monitor: {
      stall_after: 45 * 60_000,
      poll: 250,
      pipelines: [{ pattern: 'train-*', stall_after: 3 * 3_600_000, max_duration: 12 * 3_600_000 }],
    },
    archive: { enabled: true, keep_days: 30, max_gb: 20 },
    alerts_config: '/etc/runwatch/alerts.yaml',
    quiet_hours: { from: '22:00', to: '07:00', except: 'critical' },
    start_at_login: true,
    channels: {
      slack: {
        type: 'slack',
        webhook_url: 'https://hooks.slack.com/services/T0/B0/SLACKPATH',
        min_severity: 'warning',
        rate_limit: 20,
      },
      'ops-hook': {
        type: 'webhook',
        url: 'https://ops.example.com/hook?token=HOOKTOKEN',
        headers: { Authorization: 'Bearer BEARERTOKEN' },
        secret: 'SIGNINGSECRET',
        min_severity: 'info',
        rate_limit: 20,
      },
      email: {
        type: 'email',
        host: 'smtp.example.com',
        port: 465,
        user: 'runwatch',
        password: 'SMTPPASSWORD',
        from: 'runwatch@example.com',
        to: ['oncall@example.com', 'lead@example.com'],
        min_severity: 'error',
        rate_limit: 10,
      },
    },
  };
}

/** The problems a promise rejects with, as `file: …` lines (fails the test if it resolves). */
async function problemsOf(promise: Promise<unknown>): Promise<string[]> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).problems.map(formatProblem);
}

/** What a file is on disk, to check it was left untouched. */
function fingerprint(file: string) {
  const stat = fs.statSync(file);
  return { text: fs.readFileSync(file, 'utf8'), mtimeMs: stat.mtimeMs, ino: stat.ino };
}

function modeOf(file: string): number {
  return fs.statSync(file).mode & 0o777;
}

describe('SettingsStore', () => {
  it('gives the defaults while there is no file, and writes nothing', async () => {
    const dir = tempDir();
    const store = new SettingsStore({
      file: path.join(dir, 'settings.json'),
      cipher: hexCipher,
      defaults: DEFAULTS,
    });
    expect(await store.load()).toEqual(DEFAULTS);
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('saves and loads back, secrets encrypted on disk and the file readable only by its owner', async () => {
    const file = path.join(tempDir(), 'userData', 'settings.json');
    const store = new SettingsStore({ file, cipher: hexCipher, defaults: DEFAULTS });
    await store.save(fullSettings());

    const text = fs.readFileSync(file, 'utf8');
    for (const secret of SECRETS) expect(text).not.toContain(secret);
    const onDisk = JSON.parse(text);
    expect(onDisk.version).toBe(1);
    expect(onDisk.channels.email.password).toEqual({ $secret: hexCipher.encrypt('SMTPPASSWORD') });
    expect(onDisk.channels.email.host).toBe('smtp.example.com');
    if (process.platform !== 'win32') expect(modeOf(file)).toBe(0o600);
    expect(fs.readdirSync(path.dirname(file))).toEqual(['settings.json']);

    const reopened = new SettingsStore({ file, cipher: hexCipher, defaults: DEFAULTS });
    expect(await reopened.load()).toEqual(fullSettings());
  });

  it('keeps secrets in clear for serve, still readable only by the owner; the app encrypts them on its next save', async () => {
    const file = path.join(tempDir(), 'settings.json');
    await new SettingsStore({ file, cipher: plainCipher, defaults: DEFAULTS }).save(fullSettings());
    expect(fs.readFileSync(file, 'utf8')).toContain('SMTPPASSWORD');
    if (process.platform !== 'win32') expect(modeOf(file)).toBe(0o600);

    const app = new SettingsStore({ file, cipher: hexCipher, defaults: DEFAULTS });
    const settings = await app.load();
    expect(settings).toEqual(fullSettings());
    await app.save(settings);
    expect(fs.readFileSync(file, 'utf8')).not.toContain('SMTPPASSWORD');
  });

  it('names the secrets serve cannot decrypt, and leaves the file alone', async () => {
    const file = path.join(tempDir(), 'settings.json');
    await new SettingsStore({ file, cipher: hexCipher, defaults: DEFAULTS }).save(fullSettings());
    const before = fingerprint(file);
    const serve = new SettingsStore({ file, cipher: plainCipher, defaults: DEFAULTS });
    const problems = await problemsOf(serve.load());
    expect(problems).toHaveLength(5);
    expect(problems[0]).toBe(
      `${file}: channels.slack.webhook_url: cannot be decrypted (it was encrypted by the Runwatch app, and secrets are not encrypted here); enter it again`,
    );
    expect(problems.slice(1).map((line) => line.split(': ')[1])).toEqual([
      'channels.ops-hook.url',
      'channels.ops-hook.secret',
      'channels.ops-hook.headers.Authorization',
      'channels.email.password',
    ]);
    expect(fingerprint(file)).toEqual(before);
  });

  it('refuses a corrupt file with where it breaks, and leaves it until settings are saved', async () => {
    const file = path.join(tempDir(), 'settings.json');
    fs.writeFileSync(file, '{\n  "version": 1,\n  sources: []\n}\n');
    const before = fingerprint(file);
    const store = new SettingsStore({ file, cipher: hexCipher, defaults: DEFAULTS });
    expect(await problemsOf(store.load())).toEqual([
      `${file}:3:3: not valid JSON: Expected double-quoted property name`,
    ]);
    expect(fingerprint(file)).toEqual(before);

    await store.save(fullSettings());
    expect(await store.load()).toEqual(fullSettings());
  });

  it('refuses an empty file', async () => {
    const file = path.join(tempDir(), 'settings.json');
    fs.writeFileSync(file, '');
    const store = new SettingsStore({ file, cipher: hexCipher, defaults: DEFAULTS });
    expect(await problemsOf(store.load())).toEqual([
      `${file}: not valid JSON: Unexpected end of JSON input`,
    ]);
  });

  it('refuses a file without a version', async () => {
    const file = path.join(tempDir(), 'settings.json');
    fs.writeFileSync(file, JSON.stringify({ sources: [] }));
    const store = new SettingsStore({ file, cipher: hexCipher, defaults: DEFAULTS });
    expect(await problemsOf(store.load())).toEqual([`${file}: version: required`]);
  });

  it('lists every problem of a hand-edited file at once', async () => {
    const file = path.join(tempDir(), 'settings.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        version: 1,
        sources: [
          { name: 'etl', db: '/a.db' },
          { name: 'ETL', db: 'b.db' },
        ],
        monitor: { stall_after: '30m' },
        channels: { slack: { type: 'slack', webhook_url: { $secret: 'garbage' } } },
      }),
    );
    const store = new SettingsStore({ file, cipher: hexCipher, defaults: DEFAULTS });
    expect(await problemsOf(store.load())).toEqual([
      `${file}: channels.slack.webhook_url: cannot be decrypted (not ciphertext); enter it again`,
      `${file}: sources[1].db: expected an absolute path`,
      `${file}: sources[1].name: differs from sources[0].name "etl" only in case, and would share its folder`,
      `${file}: monitor.stall_after: expected a duration in milliseconds, a whole number of at least 1000 (1s)`,
    ]);
  });

  it('refuses a file from a newer Runwatch, to load or to overwrite, and leaves it untouched', async () => {
    const file = path.join(tempDir(), 'settings.json');
    fs.writeFileSync(
      file,
      `${JSON.stringify({ version: 2, sources: [{ name: 'etl', db: '/a.db' }], theme: 'dark' })}\n`,
    );
    const before = fingerprint(file);
    const store = new SettingsStore({ file, cipher: hexCipher, defaults: DEFAULTS });
    const newer = `${file}: version: 2 is from a newer Runwatch (this one knows up to version 1); update Runwatch. The file is left as it is`;
    expect(await problemsOf(store.load())).toEqual([newer]);
    expect(await problemsOf(store.save(DEFAULTS))).toEqual([newer]);
    expect(fingerprint(file)).toEqual(before);
  });

  it('writes nothing when the settings are invalid: the old file stays as it was', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'settings.json');
    const store = new SettingsStore({ file, cipher: hexCipher, defaults: DEFAULTS });
    await store.save(fullSettings());
    const before = fingerprint(file);

    const bad = fullSettings();
    bad.sources.push({ name: '../etc', db: '/x.db' }, { name: 'Training', db: '/y.db' });
    bad.monitor.poll = 0;
    expect(await problemsOf(store.save(bad))).toEqual([
      `${file}: sources[2].name: a name cannot contain / or \\`,
      `${file}: sources[3].name: differs from sources[1].name "training" only in case, and would share its folder`,
      `${file}: monitor.poll: expected a duration in milliseconds, a whole number of at least 10 (10ms)`,
    ]);
    expect(fingerprint(file)).toEqual(before);
    expect(fs.readdirSync(dir)).toEqual(['settings.json']);
  });

  it('writes nothing when a secret cannot be encrypted', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'settings.json');
    await new SettingsStore({ file, cipher: hexCipher, defaults: DEFAULTS }).save(DEFAULTS);
    const before = fingerprint(file);
    const locked: SecretCipher = {
      ...hexCipher,
      encrypt: () => {
        throw new Error('the keyring is locked');
      },
    };
    const store = new SettingsStore({ file, cipher: locked, defaults: DEFAULTS });
    expect(await problemsOf(store.save(fullSettings()))).toContain(
      `${file}: channels.email.password: cannot be encrypted: the keyring is locked`,
    );
    expect(fingerprint(file)).toEqual(before);
  });

  it('replaces a temp file a crash left readable by others', async () => {
    if (process.platform === 'win32') return;
    const file = path.join(tempDir(), 'settings.json');
    fs.writeFileSync(`${file}.${process.pid}.tmp`, 'half a file', { mode: 0o644 });
    await new SettingsStore({ file, cipher: hexCipher, defaults: DEFAULTS }).save(fullSettings());
    expect(modeOf(file)).toBe(0o600);
    expect(fs.existsSync(`${file}.${process.pid}.tmp`)).toBe(false);
  });

  it('keeps the last of saves made in quick succession', async () => {
    const file = path.join(tempDir(), 'settings.json');
    const store = new SettingsStore({ file, cipher: hexCipher, defaults: DEFAULTS });
    const saves = [10, 20, 30, 40, 50].map((poll) =>
      store.save({ ...DEFAULTS, monitor: { ...DEFAULTS.monitor, poll } }),
    );
    await Promise.all(saves);
    expect((await store.load()).monitor.poll).toBe(50);
  });
});

describe('SettingsStore migrations', () => {
  /** Two made-up older shapes: v1 called sources `watch`, v2 called start_at_login `autostart`. */
  function migrations(log: string[]): SettingsMigration[] {
    return [
      ({ watch, ...rest }) => {
        log.push(`1→2 ${Object.keys(rest).join(',')}`);
        return { ...rest, sources: watch, autostart: rest.autostart ?? false };
      },
      ({ autostart, ...rest }) => {
        log.push(`2→3 ${Object.keys(rest).join(',')}`);
        return { ...rest, start_at_login: autostart };
      },
    ];
  }

  const V1 = { version: 1, watch: [{ name: 'etl', db: '/a.db' }] };
  const V2 = { version: 2, sources: [{ name: 'etl', db: '/a.db' }], autostart: true };

  it('applies each step in order from the file version, and rewrites the file only on save', async () => {
    const file = path.join(tempDir(), 'settings.json');
    fs.writeFileSync(file, JSON.stringify(V1));
    const before = fingerprint(file);
    const log: string[] = [];
    const store = new SettingsStore({
      file,
      cipher: hexCipher,
      defaults: DEFAULTS,
      migrations: migrations(log),
    });
    expect(store.version).toBe(3);

    const settings = await store.load();
    expect(log).toEqual(['1→2 ', '2→3 sources']);
    expect(settings.sources).toEqual([{ name: 'etl', db: '/a.db' }]);
    expect(settings.start_at_login).toBe(false);
    expect(fingerprint(file)).toEqual(before);

    await store.save(settings);
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(saved.version).toBe(3);
    expect(saved).not.toHaveProperty('watch');
    expect(saved).not.toHaveProperty('autostart');
    log.length = 0;
    expect(await store.load()).toEqual(settings);
    expect(log).toEqual([]);
  });

  it('starts from the version of the file', async () => {
    const file = path.join(tempDir(), 'settings.json');
    fs.writeFileSync(file, JSON.stringify(V2));
    const log: string[] = [];
    const store = new SettingsStore({
      file,
      cipher: hexCipher,
      defaults: DEFAULTS,
      migrations: migrations(log),
    });
    expect((await store.load()).start_at_login).toBe(true);
    expect(log).toEqual(['2→3 sources']);
  });

  it('decrypts secrets after the steps, where the current version keeps them', async () => {
    const file = path.join(tempDir(), 'settings.json');
    const url = 'https://hooks.slack.com/services/T0/B0/SLACKPATH';
    fs.writeFileSync(
      file,
      JSON.stringify({ ...V2, slack_url: { $secret: hexCipher.encrypt(url) } }),
    );
    const store = new SettingsStore({
      file,
      cipher: hexCipher,
      defaults: DEFAULTS,
      migrations: [
        migrations([])[0] as SettingsMigration,
        ({ autostart, slack_url, ...rest }) => ({
          ...rest,
          start_at_login: autostart,
          channels: { slack: { type: 'slack', webhook_url: slack_url } },
        }),
      ],
    });
    expect((await store.load()).channels.slack).toMatchObject({ webhook_url: url });
  });

  it('names the step that failed', async () => {
    const file = path.join(tempDir(), 'settings.json');
    fs.writeFileSync(file, JSON.stringify(V1));
    const store = new SettingsStore({
      file,
      cipher: hexCipher,
      defaults: DEFAULTS,
      migrations: [
        (stored) => stored,
        () => {
          throw new Error('autostart is missing');
        },
      ],
    });
    expect(await problemsOf(store.load())).toEqual([
      `${file}: version: cannot be upgraded from version 2 to 3: autostart is missing`,
    ]);
  });
});
