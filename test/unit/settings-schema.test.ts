import { describe, expect, it } from 'vitest';
import { CHANNEL_SCHEMAS } from '../../electron/core/alerts/channel-config.ts';
import {
  checkSettings,
  defaultSettings,
  formatSettingsPath,
  SETTINGS_CHANNEL_SCHEMAS,
  type SettingsInput,
} from '../../shared/settings.ts';

const SOURCE = { name: 'etl', db: '/data/orchestration.db' };

/** Each problem as the store reports it after the file name: `field.path: message`. */
function problems(input: unknown): string[] {
  const checked = checkSettings(input);
  if (checked.ok) throw new Error('expected problems');
  return checked.issues.map((issue) =>
    issue.path.length ? `${formatSettingsPath(issue.path)}: ${issue.message}` : issue.message,
  );
}

function valid(input: SettingsInput) {
  const checked = checkSettings(input);
  if (!checked.ok) throw new Error(checked.issues.map((issue) => issue.message).join('\n'));
  return checked.settings;
}

describe('settings defaults', () => {
  it('fills in everything but the sources', () => {
    expect(defaultSettings([SOURCE])).toEqual({
      sources: [SOURCE],
      monitor: { pipelines: [] },
      archive: { enabled: true },
      alerts_config: null,
      quiet_hours: null,
      start_at_login: false,
      channels: {},
    });
  });

  it('takes a single email address as a list of one', () => {
    const settings = valid({
      sources: [SOURCE],
      channels: {
        email: { type: 'email', host: 'smtp.example.com', from: 'rw@x.org', to: 'a@x.org' },
      },
    });
    expect(settings.channels.email).toEqual({
      type: 'email',
      host: 'smtp.example.com',
      port: 587,
      user: '',
      password: '',
      from: 'rw@x.org',
      to: ['a@x.org'],
      min_severity: 'info',
      rate_limit: 20,
    });
  });
});

describe('sources', () => {
  it('needs at least one', () => {
    expect(problems({})).toEqual(['sources: required']);
    expect(problems({ sources: [] })).toEqual(['sources: at least one source is needed']);
  });

  it.each([
    ['', 'a source needs a name'],
    ['.', '"." cannot name a folder'],
    ['..', '".." cannot name a folder'],
    ['team/etl', 'a name cannot contain / or \\'],
    ['team\\etl', 'a name cannot contain / or \\'],
    ['etl:prod', 'a name cannot contain ":"'],
    ['etl\n', 'a name cannot contain "\\n"'],
    [' etl', 'a name cannot start or end with a space'],
    ['etl.', 'a name cannot end with a dot (Windows drops it)'],
    ['CON', '"CON" is a device name on Windows'],
    ['lpt1.db', '"lpt1.db" is a device name on Windows'],
    ['x'.repeat(65), 'a name has at most 64 characters'],
  ])('refuses %j as a folder name', (name, message) => {
    expect(problems({ sources: [SOURCE, { name, db: '/b.db' }] })).toEqual([
      `sources[1].name: ${message}`,
    ]);
  });

  it.each(['etl', 'ETL daily', 'train-2024.v2', 'données', 'x'.repeat(64)])('takes %j', (name) => {
    expect(valid({ sources: [{ name, db: '/a.db' }] }).sources[0]?.name).toBe(name);
  });

  it('refuses a second source of the same name, even in another case', () => {
    expect(
      problems({
        sources: [
          { name: 'etl', db: '/a.db' },
          { name: 'ml', db: '/b.db' },
          { name: 'etl', db: '/c.db' },
          { name: 'ML', db: '/d.db' },
        ],
      }),
    ).toEqual([
      'sources[2].name: sources[0] has the same name',
      'sources[3].name: differs from sources[1].name "ml" only in case, and would share its folder',
    ]);
  });

  it('reports a repeated name along with the other problems of the list', () => {
    expect(
      problems({
        sources: [
          { name: 'etl', db: 'orchestration.db' },
          { name: 'Etl', db: '/b.db', path: '/b.db' },
        ],
      }),
    ).toEqual([
      'sources[0].db: expected an absolute path',
      'sources[1]: unknown key "path" (known keys: name, db, password, schema)',
      'sources[1].name: differs from sources[0].name "etl" only in case, and would share its folder',
    ]);
  });

  it('takes absolute paths of any OS', () => {
    for (const db of ['/srv/o.db', 'C:\\data\\o.db', 'D:/o.db', '\\\\server\\share\\o.db']) {
      expect(valid({ sources: [{ name: 'a', db }] }).sources[0]?.db).toBe(db);
    }
    expect(problems({ sources: [{ name: 'a', db: 'o.db' }], alerts_config: '~/a.yaml' })).toEqual([
      'sources[0].db: expected an absolute path',
      'alerts_config: expected an absolute path',
    ]);
  });

  it('takes a PostgreSQL URL as a source, its password apart, and a password only for one', () => {
    const db = 'postgresql://runwatch@db.example:5432/airflow?sslmode=verify-full';
    expect(valid({ sources: [{ name: 'a', db, password: 's3cret' }] }).sources[0]).toEqual({
      name: 'a',
      db,
      password: 's3cret',
    });
    expect(problems({ sources: [{ name: 'a', db: '/data/o.db', password: 'x' }] })).toEqual([
      'sources[0].password: a password goes only with a PostgreSQL URL',
    ]);
    expect(
      problems({
        sources: [
          { name: 'a', db: 'postgresql://runwatch:hunter2@db.example/airflow' },
          { name: 'b', db: 'postgres://db.example/prefect?password=hunter2' },
        ],
      }),
    ).toEqual([
      'sources[0].db: a PostgreSQL URL here holds no password: give it in the password field (kept sealed with the other secrets) or in ~/.pgpass',
      'sources[1].db: a PostgreSQL URL here holds no password: give it in the password field (kept sealed with the other secrets) or in ~/.pgpass',
    ]);
  });

  it('reads a source with a built-in schema or a mapping file, by its full path', () => {
    expect(valid({ sources: [{ ...SOURCE, schema: 'airflow' }] }).sources[0]?.schema).toBe(
      'airflow',
    );
    expect(
      valid({ sources: [{ ...SOURCE, schema: '/etc/runwatch/jobs.yaml' }] }).sources[0]?.schema,
    ).toBe('/etc/runwatch/jobs.yaml');
    expect(valid({ sources: [SOURCE] }).sources[0]?.schema).toBeUndefined();
    const why =
      'a built-in schema (runwatch, airflow, prefect, dagster, mlflow) or the full path of a mapping file';
    expect(
      problems({
        sources: [
          { ...SOURCE, schema: 'airflw' },
          { name: 'b', db: '/b.db', schema: 'jobs.yaml' },
        ],
      }),
    ).toEqual([`sources[0].schema: ${why}`, `sources[1].schema: ${why}`]);
  });
});

describe('every problem at once, each with its field', () => {
  it('names monitor, archive, quiet hours and top-level problems', () => {
    expect(
      problems({
        sources: [SOURCE],
        monitor: {
          poll: 5,
          stall_after: 1.5,
          settle: -1,
          stall: 1000,
          pipelines: [
            { pattern: '', max_duration: '12h' },
            { pattern: 'etl-[a-', stall_after: 60_000 },
            { pattern: 'ml-[z-a]', stall_after: 60_000 },
          ],
        },
        archive: { enabled: 'yes', keep_days: 2.5, max_gb: 0 },
        quiet_hours: { from: '24:00', to: '7:00', except: 'fatal' },
        start_at_login: null,
        theme: 'dark',
      }),
    ).toEqual([
      'monitor.poll: expected a duration in milliseconds, a whole number of at least 10 (10ms)',
      'monitor.stall_after: expected a duration in milliseconds, a whole number of at least 1000 (1s)',
      'monitor.settle: expected a duration in milliseconds, a whole number of 0 or more',
      'monitor.pipelines[0].pattern: a pattern is needed, like "train-*"',
      'monitor.pipelines[0].max_duration: expected a duration in milliseconds, a whole number of at least 1000 (1s)',
      'monitor.pipelines[1].pattern: the [ at character 5 is never closed: end the set with ], or write [[] for a [ itself',
      'monitor.pipelines[2].pattern: the range z-a at character 5 is backwards: write a-z',
      'monitor: unknown key "stall" (known keys: poll, stall_after, source_grace, settle, stale_after, max_alert_age, keep_history, pipelines)',
      'archive.enabled: expected true or false, got text',
      'archive.keep_days: expected a whole number of days, 0 or more',
      'archive.max_gb: expected a number of GB above 0',
      'quiet_hours.from: expected a local time like "22:00"',
      'quiet_hours.except: expected one of info, warning, error, critical; got text',
      'start_at_login: expected true or false, got null',
      'unknown key "theme" (known keys: sources, monitor, archive, alerts_config, quiet_hours, start_at_login, channels)',
    ]);
  });

  it('names channel problems by channel, without echoing what was typed', () => {
    const secretUrl = 'ftp://hooks.example.com/T000/B000/s3cr3t';
    const messages = problems({
      sources: [SOURCE],
      channels: {
        slack: { type: 'slack', webhook_url: secretUrl },
        pager: { type: 'pagerduty' },
        'ops hook': { url: 'https://x.example/h' },
        email: { type: 'email', host: '', from: 'rw@x.org', to: [], port: 70_000 },
        hook: { type: 'webhook', url: 'https://x.example/h', headers: { 'X-Token': 42 } },
        '': { type: 'slack', webhook_url: 'https://x.example/h' },
        desk: 5,
      },
    });
    expect(messages).toEqual([
      'channels.slack.webhook_url: expected an http:// or https:// URL',
      'channels.pager.type: unknown channel type "pagerduty"; one of slack, webhook, email',
      'channels["ops hook"].type: required; one of slack, webhook, email',
      'channels.email.host: the SMTP host is required',
      'channels.email.port: expected a port number, 1 to 65535',
      'channels.email.to: expected an address or a list of addresses',
      'channels.hook.headers.X-Token: expected text, got 42',
      'channels[""]: bad name: a channel needs a name',
      'channels.desk: expected an object, got 5',
    ]);
    expect(messages.join('\n')).not.toContain('s3cr3t');
  });

  it('checks header names as HTTP tokens, values as one line, and names that differ only in case', () => {
    const checked = checkSettings({
      sources: [SOURCE],
      channels: {
        hook: {
          type: 'webhook',
          url: 'https://x.example/h',
          headers: {
            Authorization: 'Bearer t0ken',
            'X Api Key': 'a',
            'X-Trace:': 'b',
            authorization: 'c',
            'X-Multi': 'one\r\nInjected: yes',
          },
        },
      },
    });
    expect(checked.ok ? [] : checked.issues).toEqual([
      {
        path: ['channels', 'hook', 'headers', 'X Api Key'],
        message:
          'bad name: a header name is letters, digits and - only (no spaces, colons or quotes)',
        key: true,
      },
      {
        path: ['channels', 'hook', 'headers', 'X-Trace:'],
        message:
          'bad name: a header name is letters, digits and - only (no spaces, colons or quotes)',
        key: true,
      },
      {
        path: ['channels', 'hook', 'headers', 'X-Multi'],
        message: 'a header value is one line, without line breaks',
      },
      {
        path: ['channels', 'hook', 'headers', 'authorization'],
        message: 'another header has this name',
      },
    ]);
  });

  it('never echoes text typed into the wrong field', () => {
    const messages = problems({
      sources: [SOURCE],
      start_at_login: 'https://hooks.slack.com/services/T0/B0/s3cr3t',
    });
    expect(messages).toEqual(['start_at_login: expected true or false, got text']);
  });
});

describe('formatSettingsPath', () => {
  it('writes indexes in brackets and quotes keys that are not plain names', () => {
    expect(formatSettingsPath(['sources', 1, 'name'])).toBe('sources[1].name');
    expect(formatSettingsPath(['channels', 'ops-hook', 'headers', 'X-Api-Key'])).toBe(
      'channels.ops-hook.headers.X-Api-Key',
    );
    expect(formatSettingsPath(['channels', 'ops hook', 'url'])).toBe('channels["ops hook"].url');
    expect(formatSettingsPath([])).toBe('');
  });
});

describe('channels match alerts.yaml', () => {
  const samples = {
    slack: { type: 'slack', webhook_url: 'https://hooks.slack.com/services/T/B/x' },
    webhook: { type: 'webhook', url: 'https://ops.example/hook' },
    email: { type: 'email', host: 'smtp.example', from: 'a@x.org', to: 'b@x.org' },
  } as const;

  it.each(Object.keys(samples) as (keyof typeof samples)[])(
    '%s has the same fields and defaults as in the config file',
    (type) => {
      expect(Object.keys(SETTINGS_CHANNEL_SCHEMAS[type].shape).sort()).toEqual(
        Object.keys(CHANNEL_SCHEMAS[type].shape).sort(),
      );
      expect(SETTINGS_CHANNEL_SCHEMAS[type].parse(samples[type])).toEqual(
        CHANNEL_SCHEMAS[type].parse(samples[type]),
      );
    },
  );

  it('refuses what the config file refuses', () => {
    const bad = [
      { type: 'slack', webhook_url: 'hooks.slack.com/x' },
      { type: 'slack', webhook_url: 'https://h/x', min_severity: 'fatal' },
      { type: 'slack', webhook_url: 'https://h/x', rate_limit: 0 },
      { type: 'webhook', url: 'https://h/x', headers: { a: 1 } },
      { type: 'email', host: 'h', from: 'a', to: [], port: 25 },
      { type: 'email', host: 'h', from: 'a', to: 'b', port: 0 },
      { type: 'email', host: '', from: 'a', to: 'b' },
    ] as const;
    for (const channel of bad) {
      expect(CHANNEL_SCHEMAS[channel.type].safeParse(channel).success).toBe(false);
      expect(SETTINGS_CHANNEL_SCHEMAS[channel.type].safeParse(channel).success).toBe(false);
    }
  });
});
