import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { DEFAULT_CONFIG_FILE } from '../../electron/core/alerts/config-file.ts';
import { defaultDataDir } from '../../electron/core/store/data-dir.ts';
import { isoNow, OrchestrationDb, tempDir } from '../support/orchestration-db.ts';
import { HookServer, type ReceivedRequest } from '../support/hook-server.ts';
import { runwatch } from '../support/processes.ts';

/**
 * No desktop session and none of the shipped config's variables: the desktop channel and every
 * channel of the shipped file are inactive unless a test sets a variable.
 */
const BASE_ENV: NodeJS.ProcessEnv = {
  DISPLAY: '',
  WAYLAND_DISPLAY: '',
  DBUS_SESSION_BUS_ADDRESS: '',
  SLACK_WEBHOOK_URL: '',
  SMTP_HOST: '',
  SMTP_PORT: '',
  SMTP_USER: '',
  SMTP_PASSWORD: '',
  ALERT_EMAIL_FROM: '',
  ALERT_EMAIL_TO: '',
  OPS_WEBHOOK_URL: '',
  OPS_WEBHOOK_SECRET: '',
};

async function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = runwatch(args, {
    ...BASE_ENV,
    XDG_CONFIG_HOME: path.join(tempDir(), 'home'),
    ...env,
  });
  // `close`, not `exit`: every line of output has arrived.
  const code = await new Promise<number | null>((resolve) => child.process.on('close', resolve));
  return { code, stdout: child.stdout.join('\n'), stderr: child.stderr.join('\n') };
}

/** A real HTTP server on 127.0.0.1 standing in for Slack and a webhook receiver. */
async function receiver(status = 200): Promise<HookServer> {
  const server = await new HookServer({ status }).start();
  onTestFinished(() => server.stop());
  return server;
}

function writeConfig(text: string): string {
  const file = path.join(tempDir(), 'alerts.yaml');
  fs.writeFileSync(file, text);
  return file;
}

const FAILED_RUN = JSON.stringify({
  type: 'run_completed',
  outcome: 'failed',
  run_id: 'r1',
  pipeline: 'etl',
  steps_total: 5,
  steps_failed: 1,
});

describe('runwatch check-config', () => {
  it('lists a tab indent, an unknown channel, a bad regex, a misspelt key and an unknown severity, each with its line', async () => {
    const file = writeConfig(
      [
        'channels:',
        '  desktop:',
        '    type: desktop',
        'rules:',
        '  - name: failed',
        '    match: { type: run_completed }',
        '\tseverity: critical',
        '    channels: [desktp]',
        '  - name: odd-step',
        '    match: { step_name: { regex: "(" } }',
        '    severty: error',
        '    channels: [desktop]',
        '  - name: archive',
        '    match: { type: archive_failed }',
        '    severity: critcal',
        '    channels: [desktop]',
        '',
      ].join('\n'),
    );
    const result = await cli(['check-config', file]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr.split('\n')).toEqual([
      `${file}:7:1: Tabs are not allowed as indentation; indent with spaces`,
      `${file}:8:16: rules.0.channels.0: unknown channel "desktp" (did you mean desktop?)`,
      `${file}:10:34: rules.1.match.step_name.regex: bad regex "(": Unterminated group`,
      `${file}:11:5: unknown key rules.1.severty (did you mean severity?)`,
      `${file}:15:15: rules.2.severity: unknown severity "critcal" (did you mean critical?); one of info, warning, error, critical`,
      `${file}: 5 problems`,
    ]);
  });

  it('passes the shipped file, warning of inactive channels and the rules they leave with none', async () => {
    const result = await cli(['check-config', DEFAULT_CONFIG_FILE], {
      OPS_WEBHOOK_URL: 'https://ops.example.com/hook/SECRET-TOKEN',
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${DEFAULT_CONFIG_FILE}: ok (5 warnings)`);
    expect(result.stdout).toContain('channels: 4, 1 active');
    expect(result.stdout).toContain(
      'rules: 5 (run-failed, run-stalled, run-succeeded, archive-failed, source-down)',
    );
    expect(result.stdout).toContain('monitor overrides: stall_after 30m');
    expect(result.stdout).toContain(
      'pipelines overrides: train-* (stall_after 3h, max_duration 12h)',
    );
    const warnings = result.stderr.split('\n');
    expect(warnings).toHaveLength(5);
    expect(warnings[0]).toMatch(/^warning: channel desktop is inactive: no notification service/);
    expect(warnings.slice(1)).toEqual([
      'warning: channel slack is inactive: SLACK_WEBHOOK_URL is not set (rules that lose it: run-failed, run-stalled, archive-failed, source-down)',
      'warning: channel email is inactive: SMTP_HOST, ALERT_EMAIL_FROM, ALERT_EMAIL_TO are not set (rules that lose it: run-failed, source-down)',
      'warning: rule run-succeeded has no active channel (desktop): its alerts reach nobody',
      'warning: rule archive-failed has no active channel (desktop, slack): its alerts reach nobody',
    ]);
    expect(result.stdout + result.stderr).not.toContain('SECRET-TOKEN');
  });
});

describe('runwatch check-config on a great many rules', () => {
  it('sums them up in a line, naming the first ten', async () => {
    const rules = Array.from(
      { length: 25 },
      (_, index) => `  - { name: r${index}, match: {}, severity: info, channels: [hook] }`,
    );
    const file = writeConfig(
      `channels:\n  hook: { type: webhook, url: "http://127.0.0.1:9/" }\nrules:\n${rules.join('\n')}\n`,
    );
    const result = await cli(['check-config', file]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      '  rules: 25 (r0, r1, r2, r3, r4, r5, r6, r7, r8, r9 and 15 more)\n',
    );
  });
});

describe('hostile YAML in a config', () => {
  const LOOP = 'channels: &x\n  d: *x\n';
  const laughs = () => {
    const lines = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (const [name, inner] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
      ['f', 'e'],
      ['g', 'f'],
    ]) {
      lines.push(`${name}: &${name} [${Array(9).fill(`*${inner}`).join(', ')}]`);
    }
    return [...lines, 'channels: *g', ''].join('\n');
  };

  it('is reported as file:line:col by check-config, watch, route, test-alert and status, never as a crash', async () => {
    const loop = writeConfig(LOOP);
    const bomb = writeConfig(laughs());
    const orch = new OrchestrationDb(path.join(tempDir(), 'orchestration.db'));
    onTestFinished(() => orch.close());
    const event = JSON.stringify({ type: 'run_completed', outcome: 'failed', run_id: 'r1' });
    const commands = (file: string) => [
      ['check-config', file],
      ['watch', '--db', orch.file, '--config', file],
      ['route', '--event', event, '--config', file],
      ['test-alert', '--config', file],
      ['status', '--db', orch.file, '--config', file],
    ];
    for (const [file, where, message] of [
      [loop, '2:6', 'alias *x stands for a value that holds the alias itself: it would never end'],
      [bomb, '8:11', 'aliases would add'],
    ] as const) {
      for (const args of commands(file)) {
        const result = await cli(args);
        expect(result.code, args.join(' ')).toBe(1);
        expect(result.stderr, args.join(' ')).toContain(`${file}:${where}: ${message}`);
        expect(result.stderr, args.join(' ')).not.toMatch(/unexpected error|\n\s+at /);
      }
    }
  });
});

describe('runwatch test-alert', () => {
  it('sends one test message to each active channel, with an idempotency key, and says how each went', async () => {
    const server = await receiver();
    const config = writeConfig(`channels:
  desktop: { type: desktop }
  slack: { type: slack, webhook_url: "${server.url('/services/T000/B000/SLACKSECRET1')}" }
  hook: { type: webhook, url: "${server.url('/hook/HOOKSECRET42')}", min_severity: critical }
rules: []
`);
    const result = await cli(['test-alert', '--config', config]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^slack {2}ok in \d+ms \(HTTP 200\)$/);
    expect(lines[1]).toMatch(/^hook {3}ok in \d+ms \(HTTP 200\)$/);

    expect(server.received.map((request) => request.path).sort()).toEqual([
      '/hook/HOOKSECRET42',
      '/services/T000/B000/SLACKSECRET1',
    ]);
    const keys = server.received.map((request) => request.headers['idempotency-key']);
    for (const key of keys) expect(key).toMatch(/^test:[0-9a-f]{16}$/);
    expect(new Set(keys).size).toBe(2);

    const hook = server.received.find((request) => request.path.startsWith('/hook/'));
    const body = JSON.parse(hook?.body ?? '{}') as {
      test: boolean;
      alerts: { alert: { rule: string; severity: string }; event: Record<string, unknown> }[];
    };
    expect(body.test).toBe(true);
    expect(body.alerts).toHaveLength(1);
    expect(body.alerts[0]?.alert).toMatchObject({ rule: 'test-alert', severity: 'info' });
    expect(body.alerts[0]?.event).toMatchObject({
      type: 'test',
      source: 'runwatch',
      note: 'Test alert from Runwatch: if you can read this, hook works.',
    });
    const slack = server.received.find((request) => request.path.startsWith('/services/'));
    const payload = JSON.parse(slack?.body ?? '{}') as { text: string };
    expect(payload.text).toContain('[TEST]');
    expect(payload.text).toContain('if you can read this, slack works.');
  });

  it('exits 1 when a channel fails, printing the error without the secret in the URL', async () => {
    const server = await receiver(500);
    const config = writeConfig(`channels:
  hook: { type: webhook, url: "${server.url('/hook/HOOKSECRET42?token=QUERYSECRET9')}" }
rules: []
`);
    const result = await cli(['test-alert', '--config', config]);
    expect(result.code).toBe(1);
    expect(server.received).toHaveLength(1);
    expect(result.stdout).toMatch(
      new RegExp(`^hook {2}FAILED in \\d+ms: HTTP 500 from 127\\.0\\.0\\.1:${server.port}`),
    );
    const output = result.stdout + result.stderr;
    expect(output).not.toContain('HOOKSECRET42');
    expect(output).not.toContain('QUERYSECRET9');
  });

  it('refuses an unknown channel with a guess, and an inactive one saying why', async () => {
    const config = writeConfig(`channels:
  desktop: { type: desktop }
  hook: { type: webhook, url: "\${RW_TEST_HOOK_URL}" }
rules: []
`);
    const [unknown, inactive, none] = await Promise.all([
      cli(['test-alert', '--config', config, '--channel', 'hok']),
      cli(['test-alert', '--config', config, '--channel', 'hook']),
      cli(['test-alert', '--config', config]),
    ]);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(`no channel "hok" in ${config} (did you mean hook?)`);
    expect(inactive.code).toBe(1);
    expect(inactive.stderr).toContain('channel hook is inactive: RW_TEST_HOOK_URL is not set');
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('no channel in');
    expect(none.stderr).toContain('desktop: no notification service');
  });
});

describe('runwatch route', () => {
  it('shows the rule a failed run matches, its key, and each channel’s verdict', async () => {
    const result = await cli(['route', '--event', FAILED_RUN], {
      SLACK_WEBHOOK_URL: 'https://hooks.slack.com/services/T0/B0/NEVERCALLED',
    });
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('event run_completed: etl run r1 failed (1 of 5 steps failed)');
    expect(lines[1]).toBe('state: none given (--db or --data-dir): assuming nothing has fired yet');
    expect(result.stdout).toContain('rule run-failed matches (critical, one-shot, throttle 5m)');
    expect(result.stdout).toContain('  dedup key  run-failed:r1');
    expect(result.stdout).toContain('  state      fires (nothing stored for this key)');
    expect(lines).toContain('    slack     sending now');
    expect(lines).toContain(
      '    email     inactive: SMTP_HOST, ALERT_EMAIL_FROM, ALERT_EMAIL_TO are not set',
    );
    expect(lines).toContain('    ops-hook  inactive: OPS_WEBHOOK_URL is not set');
    expect(lines.find((line) => line.startsWith('    desktop '))).toContain('inactive:');
    expect(result.stdout).toContain(
      'first match wins (run-failed has no continue): not tried run-stalled, run-succeeded, archive-failed, source-down',
    );
    expect(result.stdout).toContain(
      'resolves run_stalled and run_overdue of run:r1: none is firing',
    );
    expect(result.stdout).not.toContain('NEVERCALLED');
  });

  it('says rules never match alert events', async () => {
    const result = await cli([
      'route',
      '--event',
      '{"type":"alert_sent","rule":"run-failed","channel":"slack"}',
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('rules never match alert events (alert_sent, alert_failed)');
    expect(result.stdout).not.toContain('matches');
  });

  it('refuses bad JSON, an event without a type, and a misspelt type', async () => {
    const [bad, untyped, misspelt] = await Promise.all([
      cli(['route', '--event', '{"type": run_completed}']),
      cli(['route', '--event', '{"outcome":"failed"}']),
      cli(['route', '--event', '{"type":"run_complted"}']),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--event is not valid JSON');
    expect(untyped.code).toBe(1);
    expect(untyped.stderr).toContain('--event needs a "type"');
    expect(misspelt.code).toBe(1);
    expect(misspelt.stderr).toContain(
      'no event has type "run_complted" (did you mean run_completed?)',
    );
  });

  it('shows a delivery held by quiet hours until they end, in local time', async () => {
    // Chatham is UTC+12:45 or +13:45: a local-time slip by any whole hour shows.
    const zone = 'Pacific/Chatham';
    const local = (ms: number) => {
      const parts = Object.fromEntries(
        new Intl.DateTimeFormat('en-GB', {
          timeZone: zone,
          hourCycle: 'h23',
          year: 'numeric',
          month: '2-digit',
          day: '2-digit',
          hour: '2-digit',
          minute: '2-digit',
        })
          .formatToParts(ms)
          .map((part) => [part.type, part.value]),
      );
      return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
    };
    const hhmm = (ms: number) => local(ms).slice(11);
    const now = Date.now();
    const end = Math.floor((now + 2 * 3_600_000) / 60_000) * 60_000;
    const config = writeConfig(`channels:
  night: { type: webhook, url: http://127.0.0.1:9/night }
  day: { type: webhook, url: http://127.0.0.1:9/day }
rules:
  - { name: stalled, match: { type: run_stalled }, severity: warning, channels: [night, day] }
quiet_hours: { from: "${hhmm(now - 3_600_000)}", to: "${hhmm(end)}", channels: [night], except: critical }
`);
    const event = JSON.stringify({
      type: 'run_stalled',
      run_id: 'r7',
      pipeline: 'etl',
      idle_s: 1800,
    });
    const result = await cli(['route', '--config', config, '--event', event], { TZ: zone });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`    night  held by quiet hours until ${local(end)}:00`);
    expect(result.stdout).toContain('    day    sending now');
    expect(result.stdout).toContain(
      'rule stalled matches (warning, condition: fires, and resolves later',
    );
  });

  it('prints the same plan as JSON', async () => {
    const result = await cli(['route', '--json', '--event', FAILED_RUN]);
    expect(result.code).toBe(0);
    const plan = JSON.parse(result.stdout) as {
      alert_event: boolean;
      state: { file: string | null };
      rules: {
        rule: string;
        dedup_key: string;
        kind: string;
        state_machine: { kind: string };
        channels: { channel: string; verdict: string; why?: string }[];
      }[];
      not_tried: string[];
    };
    expect(plan.alert_event).toBe(false);
    expect(plan.state.file).toBeNull();
    expect(plan.rules.map((rule) => [rule.rule, rule.dedup_key, rule.kind])).toEqual([
      ['run-failed', 'run-failed:r1', 'one-shot'],
    ]);
    expect(plan.rules[0]?.state_machine).toEqual({ kind: 'fire' });
    expect(plan.rules[0]?.channels.map((c) => c.channel)).toEqual([
      'desktop',
      'slack',
      'email',
      'ops-hook',
    ]);
    expect(plan.rules[0]?.channels.find((c) => c.channel === 'email')).toEqual(
      expect.objectContaining({
        verdict: 'inactive',
        why: 'SMTP_HOST, ALERT_EMAIL_FROM, ALERT_EMAIL_TO are not set',
      }),
    );
    expect(plan.not_tried).toEqual([
      'run-stalled',
      'run-succeeded',
      'archive-failed',
      'source-down',
    ]);
  });
});

describe('runwatch alerts', () => {
  const dir = tempDir();
  const db = path.join(dir, 'orchestration.db');
  // The watch below finds its data dir as `status` and `alerts --db` do.
  const home = { XDG_CONFIG_HOME: path.join(dir, 'home') };
  const dataDir = defaultDataDir(db, home);
  const hookConfig = path.join(dir, 'alerts.yaml');
  let requests: ReceivedRequest[] = [];

  // One real pipeline for the tests below: the demo's third run fails, and the watch that
  // backfills it delivers the alert to a local webhook.
  beforeAll(async () => {
    const demo = await cli(['demo', '--db', db, '--runs', '3', '--speed', '20']);
    expect(demo.code).toBe(0);
    const server = await new HookServer().start();
    const port = server.port;
    fs.writeFileSync(
      hookConfig,
      `channels:
  hook: { type: webhook, url: "http://127.0.0.1:${port}/hook/HOOKSECRET42" }
rules:
  - { name: run-failed, match: { type: run_completed, outcome: failed }, severity: critical, channels: [hook] }
`,
    );
    try {
      const watch = await cli(
        ['watch', '--once', '--backfill', '--db', db, '--config', hookConfig],
        home,
      );
      expect(watch.code).toBe(0);
    } finally {
      await server.stop();
    }
    requests = server.received;
  }, 60_000);

  /** A table row of the human output, split into its cells. */
  const row = (stdout: string, match: (line: string) => boolean) =>
    stdout.split('\n').find(match)?.trim().split(/ {2,}/);

  it('shows the transition of the failed run and its delivery with the attempt', async () => {
    expect(requests).toHaveLength(1);
    expect(requests[0]?.headers['idempotency-key']).toMatch(/^[0-9a-f]{16}:1$/);
    const sent = JSON.parse(requests[0]?.body ?? '{}') as { alerts: { alert: { rule: string } }[] };
    expect(sent.alerts.map((alert) => alert.alert.rule)).toEqual(['run-failed']);
    const result = await cli(['alerts', '--data-dir', dataDir]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`alert history in ${path.join(dataDir, 'state.db')}`);
    expect(result.stdout).toContain('nothing is firing');
    const time = expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$/);
    expect(row(result.stdout, (line) => line.includes('run-failed:report-weekly-0003'))).toEqual([
      time,
      'run-failed',
      'run-failed:report-weekly-0003',
      'fired',
      'critical',
      'hook: sending now',
    ]);
    expect(row(result.stdout, (line) => /^ {2}1 +hook/.test(line))).toEqual([
      '1',
      'hook',
      'alert',
      'sent',
      '1',
      '1',
      time,
      time,
      'report-weekly run report-weekly-0003 failed (1 of 3 steps failed)',
    ]);
    expect(row(result.stdout, (line) => line.includes('ok 200'))).toEqual([
      '1',
      '1',
      time,
      'ok 200',
      expect.stringMatching(/^\d+ms$/),
    ]);
    expect(result.stdout).not.toContain('HOOKSECRET42');
  });

  it('finds the data dir from --db as status does, and prints JSON', async () => {
    const result = await cli(['alerts', '--db', db, '--json'], home);
    expect(result.code).toBe(0);
    const history = JSON.parse(result.stdout) as {
      firing: unknown[];
      transitions: { rule: string; dedup_key: string; transition: string }[];
      deliveries: {
        channel: string;
        kind: string;
        state: string;
        members: number;
        rules: string[];
        attempts: { attempt: number; ok: boolean; status: number; latency_ms: number }[];
      }[];
      failing: unknown[];
    };
    expect(history.firing).toEqual([]);
    expect(history.failing).toEqual([]);
    expect(history.transitions).toEqual([
      expect.objectContaining({
        rule: 'run-failed',
        dedup_key: 'run-failed:report-weekly-0003',
        transition: 'fired',
      }),
    ]);
    expect(history.deliveries).toEqual([
      expect.objectContaining({
        channel: 'hook',
        kind: 'alert',
        state: 'sent',
        members: 1,
        rules: ['run-failed'],
      }),
    ]);
    expect(history.deliveries[0]?.attempts).toEqual([
      expect.objectContaining({ attempt: 1, ok: true, status: 200 }),
    ]);
  });

  it('lets route see the stored alert: the same failure again is throttled', async () => {
    const event = JSON.stringify({
      type: 'run_completed',
      outcome: 'failed',
      run_id: 'report-weekly-0003',
      pipeline: 'report-weekly',
    });
    const result = await cli([
      'route',
      '--config',
      hookConfig,
      '--data-dir',
      dataDir,
      '--event',
      event,
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`state: ${path.join(dataDir, 'state.db')} (read-only)`);
    expect(result.stdout).toMatch(
      /state {6}collapses: throttled \(stored: fired at \d{4}-\d\d-\d\d \d\d:\d\d:\d\d\); no message is sent/,
    );
    expect(result.stdout).toContain('  channels (had it fired):');
  });

  it('exits 1 when the data dir has no state.db yet', async () => {
    const empty = path.join(tempDir(), 'data');
    const result = await cli(['alerts', '--data-dir', empty]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `no alert history: ${path.join(empty, 'state.db')} does not exist`,
    );
    expect(fs.existsSync(empty)).toBe(false);
  });
});

describe('a stalled run in state.db', () => {
  it('is listed as firing by alerts, and route says its recovery resolves it with a notice', async () => {
    const dir = tempDir();
    const orch = new OrchestrationDb(path.join(dir, 'orchestration.db'));
    orch.insertRun({
      runId: 'r5',
      pipeline: 'etl',
      createdAt: isoNow(-700_000),
      startedAt: isoNow(-700_000),
      updatedAt: isoNow(-600_000),
      steps: [{ stepId: 'a', status: 'running', updatedAt: isoNow(-600_000) }],
    });
    orch.close();
    const server = await receiver();
    const config = writeConfig(`channels:
  hook: { type: webhook, url: "${server.url('/hook')}" }
rules:
  - { name: run-stalled, match: { type: run_stalled }, severity: warning, channels: [hook] }
`);
    const dataDir = path.join(dir, 'data');
    const watch = await cli([
      'watch',
      '--once',
      '--stall-after',
      '1m',
      '--db',
      orch.file,
      '--data-dir',
      dataDir,
      '--config',
      config,
    ]);
    expect(watch.code).toBe(0);
    expect(server.received).toHaveLength(1);

    const [alerts, route] = await Promise.all([
      cli(['alerts', '--data-dir', dataDir]),
      cli([
        'route',
        '--config',
        config,
        '--data-dir',
        dataDir,
        '--event',
        '{"type":"run_recovered","run_id":"r5","pipeline":"etl","stalled_for_s":60}',
      ]),
    ]);
    expect(alerts.stdout).toContain('firing (1):');
    expect(alerts.stdout).toMatch(/\n {2}run-stalled +run-stalled:r5 +warning +\S+ \S+ +yes\n/);
    expect(route.code).toBe(0);
    expect(route.stdout).toContain('no rule matches this event: nothing is sent');
    expect(route.stdout).toMatch(
      /resolves run-stalled run-stalled:r5 \(run_stalled, firing since [\d-]+ [\d:]+\)\n {2}resolved notice:\n {4}hook {2}(sending now|grouped: )/,
    );
  });
});
