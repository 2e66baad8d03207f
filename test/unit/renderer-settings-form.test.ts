import { describe, expect, it } from 'vitest';
import { SECRET_KEPT } from '../../shared/api.ts';
import { checkSettings, defaultSettings, type Settings } from '../../shared/settings.ts';
import { fieldKey } from '../../renderer/src/views/settings/field-keys.ts';
import {
  durationMessage,
  durationText,
  listItems,
  readDuration,
  readNumber,
} from '../../renderer/src/views/settings/form-values.ts';
import { moveRow } from '../../renderer/src/views/settings/form-rows.ts';
import { buildSettings } from '../../renderer/src/views/settings/build-settings.ts';
import {
  clockText,
  freeChannelName,
  freshForm,
  newChannel,
  toForm,
} from '../../renderer/src/views/settings/settings-form.ts';

const full: Settings = {
  ...defaultSettings([
    { name: 'prod', db: '/data/prod.db', schema: 'airflow' },
    { name: 'staging', db: '/data/staging.db', schema: '/etc/runwatch/jobs.yaml' },
    { name: 'dev', db: '/data/dev.db' },
  ]),
  monitor: {
    stall_after: 45 * 60_000,
    poll: 250,
    max_alert_age: 3_600_000 + 1_500,
    pipelines: [{ pattern: 'train-*', stall_after: 3 * 3_600_000, max_duration: 12 * 3_600_000 }],
  },
  archive: {
    enabled: false,
    keep_days: 30,
    max_gb: 2.5,
    artifact_roots: ['/mnt/outputs', '/srv/models'],
    max_files_per_run: 250_000,
    max_gb_per_run: 120,
  },
  alerts_config: '/etc/runwatch/alerts.yaml',
  quiet_hours: { from: '22:00', to: '07:00', channels: ['slack'], except: 'critical' },
  start_at_login: true,
  channels: {
    slack: { type: 'slack', webhook_url: SECRET_KEPT, min_severity: 'warning', rate_limit: 20 },
    'ops hook': {
      type: 'webhook',
      url: SECRET_KEPT,
      headers: { Authorization: SECRET_KEPT },
      secret: '',
      min_severity: 'info',
      rate_limit: 5,
    },
    mail: {
      type: 'email',
      host: 'smtp.example.org',
      port: 465,
      user: 'alerts',
      password: SECRET_KEPT,
      from: 'runwatch@example.org',
      to: ['a@example.org', 'b@example.org'],
      min_severity: 'error',
      rate_limit: 20,
    },
  },
};

describe('duration fields', () => {
  it('write durations that read back exactly', () => {
    for (const ms of [0, 250, 1_000, 1_500, 90_000, 3_600_000 + 1_500, 86_400_000 * 3 + 60_000]) {
      expect(readDuration(durationText(ms))).toEqual({ ok: true, value: ms });
    }
    expect(durationText(5_400_000)).toBe('1h 30m');
    expect(durationText(1_500)).toBe('1s 500ms');
  });

  it('read empty as unset, and say what is wrong with the rest', () => {
    expect(readDuration('  ')).toEqual({ ok: true, value: undefined });
    expect(readDuration('1h30m')).toEqual({ ok: true, value: 5_400_000 });
    expect(readDuration('30')).toEqual({ ok: false, message: 'add a unit: 30s, 30m or 30h?' });
    expect(readDuration('soon')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^expected a duration like/),
    });
  });

  it('turn the schema’s milliseconds message into the field’s words', () => {
    expect(
      durationMessage('expected a duration in milliseconds, a whole number of at least 1000 (1s)'),
    ).toBe('must be at least 1s');
    expect(durationMessage('something else')).toBe('something else');
  });

  it('read numbers and lists', () => {
    expect(readNumber('')).toEqual({ ok: true, value: undefined });
    expect(readNumber(' 2.5 ')).toEqual({ ok: true, value: 2.5 });
    expect(readNumber('2,5')).toEqual({ ok: false, message: 'expected a number' });
    expect(listItems('a@x.org, b@y.org;\nc@z.org,,')).toEqual(['a@x.org', 'b@y.org', 'c@z.org']);
  });
});

describe('the settings form', () => {
  it("keeps each source's schema: recognised, built in, or a mapping file", () => {
    const form = toForm(full);
    expect(form.sources.map((row) => [row.schemaKind, row.schemaFile])).toEqual([
      ['airflow', ''],
      ['file', '/etc/runwatch/jobs.yaml'],
      ['', ''],
    ]);
    const [prod, staging, dev] = form.sources;
    if (!prod || !staging || !dev) throw new Error('three rows');
    const changed = {
      ...form,
      sources: [
        { ...prod, schemaKind: '' as const },
        { ...staging, schemaFile: ' /srv/mapping.yaml ' },
        { ...dev, schemaKind: 'mlflow' as const },
      ],
    };
    expect(buildSettings(changed).value.sources).toEqual([
      { name: 'prod', db: '/data/prod.db' },
      { name: 'staging', db: '/data/staging.db', schema: '/srv/mapping.yaml' },
      { name: 'dev', db: '/data/dev.db', schema: 'mlflow' },
    ]);
  });

  it("keeps a PostgreSQL source's password as a secret, with the name it was saved under", () => {
    const url = 'postgresql://runwatch@db.example/airflow';
    const form = toForm({
      ...defaultSettings([
        { name: 'pg', db: url, password: SECRET_KEPT },
        { name: 'file', db: '/data/o.db' },
      ]),
    });
    const [pg, file] = form.sources;
    if (!pg || !file) throw new Error('two rows');
    expect(pg.password).toEqual({ kept: true, value: '', stored: true });
    expect(buildSettings(form).value.sources).toEqual([
      { name: 'pg', db: url, password: SECRET_KEPT },
      { name: 'file', db: '/data/o.db' },
    ]);
    const typed = { ...pg, password: { kept: false, value: 'n3w', stored: true } };
    const sourcesOf = (built: ReturnType<typeof buildSettings>) =>
      built.value.sources as Record<string, unknown>[];
    expect(sourcesOf(buildSettings({ ...form, sources: [typed, file] }))[0]).toEqual({
      name: 'pg',
      db: url,
      password: 'n3w',
    });
    // A file's row sends no password, whatever was typed while it was a URL.
    const asFile = { ...typed, db: '/data/pg.db' };
    expect(sourcesOf(buildSettings({ ...form, sources: [asFile, file] }))[0]).toEqual({
      name: 'pg',
      db: '/data/pg.db',
    });
    const renamed = buildSettings({ ...form, sources: [{ ...pg, name: 'pg2' }, file] });
    expect(renamed.errors.get(fieldKey.source(pg.id, 'password'))).toMatch(
      /the saved password stays with the name “pg”/,
    );
  });

  it('gives back the settings it was loaded with, secrets kept', () => {
    const built = buildSettings(toForm(full));
    expect(built.errors.size).toBe(0);
    expect(built.value).toEqual({
      ...full,
      // Values at their default are left to the default.
      channels: {
        ...full.channels,
        slack: { type: 'slack', webhook_url: SECRET_KEPT, min_severity: 'warning' },
        mail: { ...full.channels.mail, port: 465, rate_limit: undefined },
      },
    } satisfies Record<string, unknown>);
  });

  it('round-trips through the shared schema unchanged', () => {
    const checked = checkSettings(buildSettings(toForm(full)).value);
    // The masked URLs are not URLs: only they are refused.
    expect(checked.ok).toBe(false);
    if (checked.ok) return;
    expect(checked.issues.map((issue) => issue.path.join('.'))).toEqual([
      'channels.slack.webhook_url',
      'channels.ops hook.url',
    ]);
  });

  it('leaves unset what is empty', () => {
    const form = freshForm([{ name: 'prod', db: '/data/prod.db' }]);
    expect(buildSettings(form).value).toEqual({
      sources: [{ name: 'prod', db: '/data/prod.db' }],
      monitor: { pipelines: [] },
      archive: { enabled: true },
      alerts_config: null,
      quiet_hours: null,
      start_at_login: false,
      channels: {},
    });
    expect(checkSettings(buildSettings(form).value)).toMatchObject({ ok: true });
  });

  it('reads the artifact roots one per line, blank lines and spaces around them left out', () => {
    const form = freshForm([{ name: 'prod', db: '/data/prod.db' }]);
    expect(form.archive.artifact_roots).toBe('');
    form.archive.artifact_roots = '  /mnt/outputs \n\n/srv/models\n';
    form.archive.max_files_per_run = '1000';
    expect(buildSettings(form).value.archive).toEqual({
      enabled: true,
      artifact_roots: ['/mnt/outputs', '/srv/models'],
      max_files_per_run: 1000,
    });
    expect(toForm(full).archive).toMatchObject({
      artifact_roots: '/mnt/outputs\n/srv/models',
      max_files_per_run: '250000',
      max_gb_per_run: '120',
    });
  });

  it('names the field whose text cannot be read', () => {
    const form = toForm(full);
    form.monitor.stall_after = 'an hour';
    const row = form.overrides[0]!;
    row.max_duration = '12';
    form.archive.keep_days = 'ten';
    const mail = form.channels[2]!;
    mail.port = 'smtp';
    const { errors, value } = buildSettings(form);
    expect(Object.fromEntries(errors)).toEqual({
      [fieldKey.monitor('stall_after')]: 'expected a duration like 45s, 30m or 1h 30m',
      [fieldKey.override(row.id, 'max_duration')]: 'add a unit: 12s, 12m or 12h?',
      [fieldKey.archive('keep_days')]: 'expected a number',
      [fieldKey.channel(mail.id, 'port')]: 'expected a number',
    });
    expect((value.monitor as Record<string, unknown>).stall_after).toBeUndefined();
  });

  it('refuses a channel without a name or with another’s name, and header names alike', () => {
    const form = toForm(full);
    const nameless = { ...newChannel('slack', ''), id: 'x1' };
    const twin = { ...newChannel('webhook', 'slack'), id: 'x2' };
    const hook = form.channels[1]!;
    hook.headers.push(
      {
        id: 'h2',
        name: 'authorization',
        value: { kept: false, value: 'x', stored: false },
        savedName: null,
      },
      {
        id: 'h3',
        name: 'Bad Name',
        value: { kept: false, value: 'x', stored: false },
        savedName: null,
      },
    );
    form.channels.push(nameless, twin);
    const { errors, value } = buildSettings(form);
    expect(errors.get(fieldKey.channel('x1', 'name'))).toBe('a channel needs a name');
    expect(errors.get(fieldKey.channel('x2', 'name'))).toBe('another channel has this name');
    expect(errors.get(fieldKey.header(hook.id, 'h2', 'name'))).toBe('another header has this name');
    expect(errors.get(fieldKey.header(hook.id, 'h3', 'name'))).toMatch(/letters, digits/);
    // The first of the two "slack" is the one sent.
    expect((value.channels as Record<string, { type: string }>).slack?.type).toBe('slack');
  });

  it('sends quiet hours only while they are on, and what was typed stays for later', () => {
    const form = toForm(full);
    form.quiet = { ...form.quiet, enabled: false };
    expect(buildSettings(form).value.quiet_hours).toBeNull();
    form.quiet = { ...form.quiet, enabled: true, channels: '', except: '' };
    expect(buildSettings(form).value.quiet_hours).toEqual({ from: '22:00', to: '07:00' });
  });

  it('shows a time as a time input holds it', () => {
    expect(clockText('7:00')).toBe('07:00');
    expect(clockText('22:30')).toBe('22:30');
  });

  it('sends a secret entered anew, and a kept one as the stand-in', () => {
    const form = toForm(full);
    const slack = form.channels[0]!;
    expect(slack.webhook_url).toEqual({ kept: true, value: '', stored: true });
    slack.webhook_url = {
      kept: false,
      value: 'https://hooks.slack.com/services/T/B/C',
      stored: true,
    };
    const channels = buildSettings(form).value.channels as Record<string, Record<string, unknown>>;
    expect(channels.slack?.webhook_url).toBe('https://hooks.slack.com/services/T/B/C');
    expect(channels.mail?.password).toBe(SECRET_KEPT);
  });

  it('keeps a header named __proto__ as a header', () => {
    const form = toForm(full);
    const hook = form.channels[1]!;
    hook.headers = [
      {
        id: 'h9',
        name: '__proto__',
        value: { kept: false, value: 'v', stored: false },
        savedName: null,
      },
    ];
    const channels = buildSettings(form).value.channels as Record<string, Record<string, unknown>>;
    expect(Object.keys(channels['ops hook']?.headers as object)).toEqual(['__proto__']);
  });
});

describe('rows', () => {
  it('move within bounds', () => {
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    expect(moveRow(rows, 'c', -1).map((row) => row.id)).toEqual(['a', 'c', 'b']);
    expect(moveRow(rows, 'a', -1)).toBe(rows);
  });

  it('find a free channel name', () => {
    const form = toForm(full);
    expect(freeChannelName(form, 'email')).toBe('email');
    expect(freeChannelName(form, 'slack')).toBe('slack-2');
  });
});
