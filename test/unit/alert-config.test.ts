import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG_FILE, parseConfig } from '../../electron/core/alerts/config-file.ts';
import { findRule, rulesWithoutActiveChannel } from '../../electron/core/alerts/alert-config.ts';
import { describeInactive } from '../../electron/core/alerts/alert-service.ts';
import { ConfigError, formatProblem } from '../../electron/core/config/yaml-validate.ts';

const FILE = '/etc/runwatch/alerts.yaml';
const SHIPPED = fs.readFileSync(DEFAULT_CONFIG_FILE, 'utf8');

const FULL_ENV = {
  SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/SECRETPATH',
  SMTP_HOST: 'smtp.example.com',
  SMTP_PASSWORD: 'pa#ss word',
  ALERT_EMAIL_FROM: 'runwatch@example.com',
  ALERT_EMAIL_TO: 'oncall@example.com',
  OPS_WEBHOOK_URL: 'https://ops.example.com/hook?token=HOOKTOKEN',
  OPS_WEBHOOK_SECRET: 'sign-me',
};

function problems(text: string, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(text, FILE, { env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map(formatProblem);
  }
  throw new Error('expected a ConfigError');
}

describe('alerts in the shipped config', () => {
  it('has the five rules of ARCHITECTURE.md §7 with their defaults filled in', () => {
    const { alerts } = parseConfig(SHIPPED, DEFAULT_CONFIG_FILE, { env: FULL_ENV });
    expect(alerts.rules.map((rule) => [rule.name, rule.severity, rule.channels.length])).toEqual([
      ['run-failed', 'critical', 4],
      ['run-stalled', 'warning', 3],
      ['run-succeeded', 'info', 1],
      ['archive-failed', 'error', 2],
      ['source-down', 'error', 4],
    ]);
    const stalled = alerts.rules[1];
    expect(stalled).toMatchObject({
      throttle: 5 * 60_000,
      dedupKey: '{rule}:{run_id}',
      repeatEvery: 3_600_000,
      sendResolved: true,
      continue: false,
    });
    expect(alerts.defaults).toMatchObject({
      group_window: 10_000,
      retry: { first: 10_000, factor: 2, max: 600_000 },
      max_age: 86_400_000,
    });
    expect(alerts.quietHours).toBeNull();
    expect(alerts.heartbeat).toBeNull();
  });

  it('makes a channel whose variable is unset inactive, naming the variables, and keeps the rest', () => {
    const { alerts } = parseConfig(SHIPPED, DEFAULT_CONFIG_FILE, {
      env: { SLACK_WEBHOOK_URL: FULL_ENV.SLACK_WEBHOOK_URL },
    });
    const inactive = Object.fromEntries(
      [...alerts.channels.values()].map((channel) => [channel.name, channel.inactive]),
    );
    expect(inactive).toEqual({
      desktop: null,
      slack: null,
      email: 'SMTP_HOST, ALERT_EMAIL_FROM, ALERT_EMAIL_TO are not set',
      'ops-hook': 'OPS_WEBHOOK_URL is not set',
    });
  });

  it('lists the rules that lost every channel', () => {
    const text = SHIPPED.replace('channels: [desktop, slack]', 'channels: [slack]');
    const { alerts } = parseConfig(text, FILE, { env: {} });
    expect(rulesWithoutActiveChannel(alerts).map((rule) => rule.name)).toEqual(['archive-failed']);
  });

  it('substitutes into values, so a # or a quote in a secret arrives intact', () => {
    const { alerts } = parseConfig(SHIPPED, FILE, { env: { ...FULL_ENV, SMTP_PORT: '465' } });
    const email = alerts.channels.get('email')?.config;
    expect(email).toMatchObject({
      host: 'smtp.example.com',
      port: 465,
      user: '',
      password: 'pa#ss word',
      to: ['oncall@example.com'],
      min_severity: 'error',
      rate_limit: 20,
    });
    const defaultPort = parseConfig(SHIPPED, FILE, { env: FULL_ENV }).alerts.channels.get('email');
    expect(defaultPort?.config).toMatchObject({ port: 587 });
  });

  it('knows every secret so it can be redacted: URLs, their paths, passwords, HMAC keys', () => {
    const { alerts } = parseConfig(SHIPPED, FILE, { env: FULL_ENV });
    expect(alerts.secrets).toEqual(
      expect.arrayContaining([
        FULL_ENV.SLACK_WEBHOOK_URL,
        '/services/T0/B0/SECRETPATH',
        '/hook?token=HOOKTOKEN',
        'pa#ss word',
        'sign-me',
      ]),
    );
  });

  it('lets the settings layer replace a same-named channel and add channels rules may use', () => {
    const text = SHIPPED.replace('channels: [desktop, slack]\n', 'channels: [desktop, pager]\n');
    const { alerts } = parseConfig(text, FILE, {
      env: {},
      layer: {
        channels: {
          slack: {
            type: 'slack',
            webhook_url: 'http://127.0.0.1:9/x',
            min_severity: 'warning',
            rate_limit: 5,
          },
          pager: {
            type: 'webhook',
            url: 'http://127.0.0.1:9/p',
            headers: {},
            secret: '',
            min_severity: 'info',
            rate_limit: 20,
          },
        },
      },
    });
    expect(alerts.channels.get('slack')).toMatchObject({ origin: 'settings', inactive: null });
    expect(alerts.channels.get('pager')?.type).toBe('webhook');
  });
});

describe('alert config errors', () => {
  it('lists a tab indent, an unknown channel, a bad regex, a misspelt key and an unknown severity at once', () => {
    const text = [
      'channels:', //                                  1
      '  desktop:', //                                 2
      '    type: desktop', //                          3
      'rules:', //                                     4
      '  - name: failed', //                           5
      '    match: { type: run_completed }', //         6
      '\tseverity: critical', //                       7
      '    channels: [desktp]', //                     8
      '  - name: odd-step', //                         9
      '    match: { step_name: { regex: "(" } }', //   10
      '    severty: error', //                         11
      '    channels: [desktop]', //                    12
      '  - name: archive', //                          13
      '    match: { type: archive_failed }', //        14
      '    severity: critcal', //                      15
      '    channels: [desktop]', //                    16
      '',
    ].join('\n');
    expect(problems(text)).toEqual([
      `${FILE}:7:1: Tabs are not allowed as indentation; indent with spaces`,
      `${FILE}:8:16: rules.0.channels.0: unknown channel "desktp" (did you mean desktop?)`,
      `${FILE}:10:34: rules.1.match.step_name.regex: bad regex "(": Unterminated group`,
      `${FILE}:11:5: unknown key rules.1.severty (did you mean severity?)`,
      `${FILE}:15:15: rules.2.severity: unknown severity "critcal" (did you mean critical?); one of info, warning, error, critical`,
    ]);
  });

  it('names misspelt event fields, event types, template fields and channel types', () => {
    const text = [
      'channels:',
      '  hook:',
      '    type: webhok',
      '    url: http://127.0.0.1:1/',
      'rules:',
      '  - name: a',
      '    match: { outcom: failed, type: [run_completed, run_stalld] }',
      '    severity: info',
      '    channels: [hook]',
      '    dedup_key: "{rule}:{pipline}"',
      '',
    ].join('\n');
    expect(problems(text)).toEqual([
      `${FILE}:3:11: channels.hook.type: unknown type "webhok" (did you mean webhook?); one of desktop, slack, email, webhook`,
      `${FILE}:7:22: rules.0.match.outcom: no event has a field "outcom" (did you mean outcome?)`,
      `${FILE}:7:52: rules.0.match.type.1: unknown event type "run_stalld" (did you mean run_stalled?)`,
      `${FILE}:10:16: rules.0.dedup_key: unknown field {pipline} in the template (did you mean pipeline?)`,
    ]);
  });

  it('refuses rules on alert events, duplicate rule names, and unset variables outside channels', () => {
    const text = [
      'channels: { desktop: { type: desktop } }',
      'rules:',
      '  - { name: loop, match: { type: alert_failed }, severity: info, channels: [desktop] }',
      '  - { name: loop, match: { pipeline: "${TEAM_PIPELINE}" }, severity: info, channels: [desktop] }',
      '',
    ].join('\n');
    expect(problems(text)).toEqual([
      `${FILE}:3:34: rules.0.match.type: rules never match alert_failed: an alert about an alert would feed itself`,
      `${FILE}:4:13: rules.1.name: a second rule named loop`,
      `${FILE}:4:38: rules.1.match.pipeline: TEAM_PIPELINE is not set`,
    ]);
  });

  it('keeps ${VAR:-} defaults and $${ as a literal', () => {
    const text = [
      'channels:',
      '  hook:',
      '    type: webhook',
      '    url: ${HOOK:-http://127.0.0.1:1/a}',
      '    headers: { X-Note: "$${not a var}" }',
      'rules: []',
      '',
    ].join('\n');
    const hook = parseConfig(text, FILE, { env: {} }).alerts.channels.get('hook');
    expect(hook?.config).toMatchObject({
      url: 'http://127.0.0.1:1/a',
      headers: { 'X-Note': '${not a var}' },
    });
  });

  it('checks quiet hours and silences', () => {
    const text = [
      'channels: { desktop: { type: desktop } }',
      'rules: []',
      'quiet_hours: { from: "25:00", to: "07:00", channels: [dekstop], except: critical }',
      'silences:',
      '  - { match: { pipeline: etl }, until: "next tuesday" }',
      '',
    ].join('\n');
    expect(problems(text)).toEqual([
      `${FILE}:3:22: quiet_hours.from: expected a local time like "22:00"`,
      `${FILE}:3:55: quiet_hours.channels.0: unknown channel "dekstop" (did you mean desktop?)`,
      `${FILE}:5:40: silences.0.until: expected a date and time like "2026-12-01T09:00" (local) or "2026-12-01T08:00Z"; got "next tuesday"`,
    ]);
  });

  it('refuses durations that would loop', () => {
    const text = [
      'channels: { desktop: { type: desktop } }',
      'rules:',
      '  - { name: a, match: {}, severity: info, channels: [desktop], repeat_every: 0s }',
      'defaults: { retry: { first: 0s } }',
      '',
    ].join('\n');
    expect(problems(text)).toEqual([
      `${FILE}:3:78: rules.0.repeat_every: must be at least 1s`,
      `${FILE}:4:29: defaults.retry.first: must be at least 100ms`,
    ]);
  });

  it('names the field when an unset variable leaves no valid value there', () => {
    const text = [
      'channels:',
      '  desktop: { type: desktop, min_severity: "${MIN_SEVERITY}" }',
      'rules: []',
      '',
    ].join('\n');
    expect(problems(text)).toEqual([
      `${FILE}:2:43: channels.desktop.min_severity: unknown severity "<MIN_SEVERITY is not set>"; one of info, warning, error, critical`,
    ]);
  });
});

/** `count` rules named r0, r1, … each sending to `channels`. */
function manyRules(count: number, channels: string): string {
  return Array.from(
    { length: count },
    (_, index) =>
      `  - { name: r${index}, match: { type: run_completed }, severity: info, channels: ${channels} }`,
  ).join('\n');
}

describe('a config with a great many rules', () => {
  it('names at most ten rules a channel leaves, and one line per silent rule up to twenty', () => {
    const text = `channels:\n  slack: { type: slack, webhook_url: '\${UNSET_URL}' }\nrules:\n${manyRules(25, '[slack]')}\n`;
    const { alerts } = parseConfig(text, FILE, { env: {} });
    const { channels, rules } = describeInactive(alerts);
    expect(channels).toEqual([
      'channel slack is inactive: UNSET_URL is not set (rules that lose it: r0, r1, r2, r3, r4, r5, r6, r7, r8, r9 and 15 more)',
    ]);
    expect(rules).toHaveLength(21);
    expect(rules[19]).toBe('rule r19 has no active channel (slack): its alerts reach nobody');
    expect(rules[20]).toBe('5 more rules have no active channel: r20, r21, r22, r23, r24');
  });

  it('suggests a channel for the first hundred unknown names, and lists ten channels at most', () => {
    const channels = Array.from({ length: 120 }, (_, index) => `  c${index}: { type: desktop }`);
    const rules = Array.from(
      { length: 120 },
      (_, index) => `  - { name: r${index}, match: {}, severity: info, channels: [c${index}x] }`,
    );
    const found = problems(`channels:\n${channels.join('\n')}\nrules:\n${rules.join('\n')}\n`);
    expect(found).toHaveLength(120);
    expect(found[0]).toMatch(/rules\.0\.channels\.0: unknown channel "c0x" \(did you mean c0\?\)$/);
    expect(found[99]).toMatch(/unknown channel "c99x" \(did you mean c99\?\)$/);
    expect(found[100]).toMatch(
      /rules\.100\.channels\.0: unknown channel "c100x" \(channels: c0, c1, c2, c3, c4, c5, c6, c7, c8, c9 and 110 more\)$/,
    );
    expect(found.filter((line) => line.includes('did you mean'))).toHaveLength(100);
  });

  it('finds a rule by name among thousands', () => {
    const { alerts } = parseConfig(
      `channels:\n  desktop: { type: desktop }\nrules:\n${manyRules(5_000, '[desktop]')}\n`,
      FILE,
      { env: {} },
    );
    expect(findRule(alerts, 'r4999')).toBe(alerts.rules[4999]);
    expect(findRule(alerts, 'r5000')).toBeUndefined();
  });
});

describe('webhook headers in the file', () => {
  it('refuses a header name that is not an HTTP token at the name, a value with a line break, and a repeated name', () => {
    const text = [
      'channels:',
      '  hook:',
      '    type: webhook',
      '    url: https://ops.example.com/hook',
      '    headers:',
      '      Authorization: Bearer t0ken',
      '      "X Api Key": a',
      '      authorization: b',
      '      X-Multi: "one\\nInjected: yes"',
      'rules: []',
      '',
    ].join('\n');
    expect(problems(text)).toEqual([
      `${FILE}:7:7: channels.hook.headers: "X Api Key": a header name is letters, digits and - only (no spaces, colons or quotes)`,
      `${FILE}:8:22: channels.hook.headers.authorization: another header has this name`,
      `${FILE}:9:16: channels.hook.headers.X-Multi: a header value is one line, without line breaks`,
    ]);
  });
});
