import { describe, expect, it } from 'vitest';
import { SECRET_KEPT } from '../../shared/api.ts';
import { defaultSettings, type Settings } from '../../shared/settings.ts';
import { fieldKey } from '../../renderer/src/views/settings/field-keys.ts';
import { newChannel, toForm } from '../../renderer/src/views/settings/settings-form.ts';
import {
  channelTest,
  issueField,
  parseIssue,
  parseSaveError,
  placeIssues,
  testResultText,
  validateForm,
} from '../../renderer/src/views/settings/settings-validation.ts';

function settings(): Settings {
  return {
    ...defaultSettings([
      { name: 'prod', db: '/data/prod.db' },
      { name: 'staging', db: '/data/staging.db' },
    ]),
    monitor: { pipelines: [{ pattern: 'train-*', stall_after: 60_000 }] },
    channels: {
      slack: { type: 'slack', webhook_url: SECRET_KEPT, min_severity: 'info', rate_limit: 20 },
      hook: {
        type: 'webhook',
        url: 'https://example.org/hook',
        headers: { Authorization: SECRET_KEPT },
        secret: SECRET_KEPT,
        min_severity: 'info',
        rate_limit: 20,
      },
    },
  };
}

describe('validating the form', () => {
  it('finds nothing wrong with settings as loaded, kept secrets included', () => {
    const result = validateForm(toForm(settings()));
    expect([...result.errors]).toEqual([]);
    expect(result.general).toEqual([]);
  });

  it('puts each schema problem on its field, in the field’s words', () => {
    const form = toForm(settings());
    const [prod, staging] = form.sources;
    staging!.name = 'PROD';
    prod!.db = 'relative.db';
    form.monitor.stall_after = '500ms';
    form.overrides[0]!.pattern = '';
    form.quiet = { ...form.quiet, enabled: true, from: '25:00' };
    const hook = form.channels[1]!;
    hook.url = { kept: false, value: 'ftp://example.org', stored: false };
    hook.rate_limit = '0';
    const { errors, general } = validateForm(form);
    expect(Object.fromEntries(errors)).toEqual({
      [fieldKey.source(prod!.id, 'db')]: 'expected an absolute path',
      [fieldKey.source(staging!.id, 'name')]:
        'differs from "prod" only in case: the two would share a folder',
      [fieldKey.monitor('stall_after')]: 'must be at least 1s',
      [fieldKey.override(form.overrides[0]!.id, 'pattern')]: 'a pattern is needed, like "train-*"',
      [fieldKey.quiet('from')]: 'expected a local time like "22:00"',
      [fieldKey.channel(hook.id, 'url')]: 'expected an http:// or https:// URL',
      [fieldKey.channel(hook.id, 'rate_limit')]:
        'expected a whole number of messages per minute, at least 1',
    });
    expect(general).toEqual([]);
  });

  it('points out an unclosed [ in a pipeline pattern as it is typed', () => {
    const form = toForm(settings());
    form.overrides[0]!.pattern = 'train-[0-9';
    const { errors } = validateForm(form);
    expect(errors.get(fieldKey.override(form.overrides[0]!.id, 'pattern'))).toBe(
      'the [ at character 7 is never closed: end the set with ], or write [[] for a [ itself',
    );
  });

  it('says a source list cannot be empty', () => {
    const form = toForm(settings());
    form.sources = [];
    expect(validateForm(form).errors.get(fieldKey.sources)).toBe('at least one source is needed');
  });

  it('asks again for secrets that cannot be kept under a new name', () => {
    const form = toForm(settings());
    const slack = form.channels[0]!;
    slack.name = 'team-slack';
    const hook = form.channels[1]!;
    hook.headers[0]!.name = 'X-Token';
    const { errors } = validateForm(form);
    expect(errors.get(fieldKey.channel(slack.id, 'webhook_url'))).toMatch(
      /^the saved value stays with the name “slack”/,
    );
    expect(errors.get(fieldKey.header(hook.id, hook.headers[0]!.id, 'value'))).toMatch(
      /stays with the header “Authorization”/,
    );
    expect(errors.has(fieldKey.channel(hook.id, 'secret'))).toBe(false);
  });

  it('checks a new email channel field by field', () => {
    const form = toForm(settings());
    const mail = { ...newChannel('email', 'mail'), id: 'm1' };
    form.channels.push(mail);
    expect(Object.fromEntries(validateForm(form).errors)).toEqual({
      [fieldKey.channel('m1', 'host')]: 'the SMTP host is required',
      [fieldKey.channel('m1', 'from')]: 'the sender address is required',
      [fieldKey.channel('m1', 'to')]: 'expected an address or a list of addresses',
    });
  });

  it('maps paths to fields and leaves the unknown to the page', () => {
    const form = toForm(settings());
    expect(issueField(['channels', 'hook', 'headers', 'Authorization'], form)).toBe(
      fieldKey.header(form.channels[1]!.id, form.channels[1]!.headers[0]!.id, 'value'),
    );
    expect(issueField(['channels', 'nope', 'url'], form)).toBeNull();
    expect(issueField(['version'], form)).toBeNull();
  });

  it('puts a problem with a name on the name field, not its value', () => {
    const form = toForm(settings());
    const hook = form.channels[1]!;
    const errors = new Map<string, string>();
    const general: string[] = [];
    placeIssues(
      [
        {
          path: ['channels', 'hook', 'headers', 'Authorization'],
          message: 'bad name: a header name is letters, digits and - only',
          key: true,
        },
        { path: ['channels', 'slack'], message: 'bad name: a channel needs a name', key: true },
      ],
      form,
      errors,
      general,
    );
    expect(errors).toEqual(
      new Map([
        [
          fieldKey.header(hook.id, hook.headers[0]!.id, 'name'),
          'bad name: a header name is letters, digits and - only',
        ],
        [fieldKey.channel(form.channels[0]!.id, 'name'), 'bad name: a channel needs a name'],
      ]),
    );
    expect(general).toEqual([]);
  });
});

describe('testing a channel', () => {
  it('sends it as entered when every field is fine and no secret is kept', () => {
    const channel = newChannel('webhook', 'hook');
    channel.url = { kept: false, value: 'http://127.0.0.1:9/x', stored: false };
    expect(channelTest(channel)).toEqual({
      ready: true,
      request: {
        channel: {
          type: 'webhook',
          url: 'http://127.0.0.1:9/x',
          secret: '',
          headers: {},
          min_severity: 'info',
        },
      },
    });
  });

  it('sends a saved channel with its saved name, its kept secrets left to the saved ones', () => {
    const form = toForm(settings());
    expect(channelTest(form.channels[0]!)).toEqual({
      ready: true,
      request: {
        name: 'slack',
        channel: { type: 'slack', webhook_url: SECRET_KEPT, min_severity: 'info' },
      },
    });
    expect(channelTest(form.channels[1]!)).toEqual({
      ready: true,
      request: {
        name: 'hook',
        channel: {
          type: 'webhook',
          url: 'https://example.org/hook',
          secret: SECRET_KEPT,
          headers: { Authorization: SECRET_KEPT },
          min_severity: 'info',
        },
      },
    });
  });

  it('still judges what was typed in a channel that keeps secrets', () => {
    const hook = toForm(settings()).channels[1]!;
    hook.url = { kept: false, value: 'ftp://example.org', stored: false };
    expect(channelTest(hook)).toEqual({
      ready: false,
      why: 'Fix the fields marked above to send a test.',
    });
  });

  it('asks for the secrets again once the channel or a header with a kept value is renamed', () => {
    const renamed = toForm(settings()).channels[1]!;
    renamed.name = 'hook-2';
    expect(channelTest(renamed)).toEqual({
      ready: false,
      why: 'To send a test, enter the signing secret and the Authorization header again, or change the name back to “hook”: a saved secret stays with the name it was saved under.',
    });
    const header = toForm(settings()).channels[1]!;
    header.headers[0]!.name = 'X-Token';
    expect(channelTest(header)).toEqual({
      ready: false,
      why: 'To send a test, enter the X-Token header again: a saved value stays with the header it was saved under.',
    });
  });

  it('says why a new channel cannot be tested yet', () => {
    const broken = newChannel('slack', 'x');
    broken.webhook_url = { kept: false, value: 'not a url', stored: false };
    expect(channelTest(broken)).toEqual({
      ready: false,
      why: 'Fix the fields marked above to send a test.',
    });
  });

  it('tells what the test met', () => {
    expect(testResultText({ ok: true, latency_ms: 14, status: 200, error: null })).toBe(
      'Sent — HTTP 200 in 14 ms',
    );
    expect(testResultText({ ok: true, latency_ms: 80, status: null, error: null })).toBe(
      'Sent in 80 ms',
    );
    expect(
      testResultText({
        ok: false,
        latency_ms: 3,
        status: null,
        error: 'connection refused by 127.0.0.1',
      }),
    ).toBe('Failed: connection refused by 127.0.0.1');
    expect(testResultText({ ok: false, latency_ms: 3, status: 404, error: null })).toBe(
      'Failed: HTTP 404',
    );
  });
});

describe('the errors of saveSettings', () => {
  it('read back the paths formatSettingsPath writes', () => {
    expect(parseIssue('sources[1].name: a source needs a name')).toEqual({
      path: ['sources', 1, 'name'],
      message: 'a source needs a name',
    });
    expect(parseIssue('channels["ops hook"].headers.X-Key: bad: really')).toEqual({
      path: ['channels', 'ops hook', 'headers', 'X-Key'],
      message: 'bad: really',
    });
    expect(parseIssue('cannot write settings.json: EACCES')).toBeNull();
  });

  it('split into problems, keeping a message’s own semicolons', () => {
    expect(
      parseSaveError(
        'saveSettings: channels.a.type: required; one of slack, webhook, email; monitor.poll: expected a duration',
      ),
    ).toEqual({
      issues: [
        { path: ['channels', 'a', 'type'], message: 'required; one of slack, webhook, email' },
        { path: ['monitor', 'poll'], message: 'expected a duration' },
      ],
      other: [],
    });
    expect(parseSaveError('there are no settings to edit here')).toEqual({
      issues: [],
      other: ['there are no settings to edit here'],
    });
  });
});
