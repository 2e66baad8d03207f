import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_MESSAGE_MEMBERS } from '../../electron/core/alerts/alert-dispatcher.ts';
import { AlertHarness } from '../support/alert-harness.ts';
import { HookServer } from '../support/hook-server.ts';
import { sleep, waitFor } from '../support/wait.ts';

const SECRET_PATH = '/services/T000/B000/SLACKSECRETTOKEN';

function config(extra = '', defaults = ''): string {
  return `
channels:
  desktop:
    type: desktop
  slack:
    type: slack
    webhook_url: \${SLACK_WEBHOOK_URL}
  ops-hook:
    type: webhook
    url: \${OPS_WEBHOOK_URL}
rules:
  - name: run-failed
    match: { type: run_completed, outcome: failed }
    severity: critical
    channels: [ops-hook]
  - name: run-stalled
    match: { type: run_stalled }
    severity: warning
    channels: [ops-hook]
defaults:
  group_window: 10s
  retry: { first: 1s, factor: 2, max: 8s }
${defaults}
${extra}`;
}

let server: HookServer;
let harness: AlertHarness | null = null;

function start(yaml = config(), env: NodeJS.ProcessEnv = {}): AlertHarness {
  harness = new AlertHarness(yaml, {
    SLACK_WEBHOOK_URL: server.url(SECRET_PATH),
    OPS_WEBHOOK_URL: server.url('/hook'),
    ...env,
  });
  return harness;
}

/** state.db's own connection, which the store keeps to itself: the tests read its rows. */
function storeDb(h: AlertHarness) {
  return (
    h.store as unknown as {
      db: { prepare: (sql: string) => { all: () => Record<string, unknown>[] } };
    }
  ).db;
}

function attempts(h: AlertHarness) {
  return storeDb(h).prepare('SELECT * FROM delivery_attempts ORDER BY id').all();
}

beforeEach(async () => {
  server = await new HookServer().start();
});

afterEach(async () => {
  await harness?.close();
  harness = null;
  await server.stop();
});

describe('delivery', () => {
  it('retries a receiver that answers 500 three times, with the same Idempotency-Key each time', async () => {
    const h = start();
    server.answers = [{ status: 500 }, { status: 503 }, { status: 500 }];
    await h.emit(h.failed('etl-1'));
    await h.advance(30_000, 500);
    const hook = server.to('/hook');
    expect(hook).toHaveLength(4);
    expect(new Set(hook.map((request) => request.headers['idempotency-key'])).size).toBe(1);
    expect(new Set(hook.map((request) => request.body)).size).toBe(1);
    expect(
      h
        .eventsOf('alert_sent')
        .filter((event) => 'channel' in event && event.channel === 'ops-hook'),
    ).toMatchObject([{ channel: 'ops-hook', attempts: 4 }]);
    const rows = attempts(h).filter((row) => row.outbox_id === 1);
    expect(rows.map((row) => [row.ok, row.status])).toEqual([
      [0, 500],
      [0, 503],
      [0, 500],
      [1, 200],
    ]);
    expect(String(rows[0]?.error)).toContain('HTTP 500');
  });

  it('backs off exponentially and honours Retry-After', async () => {
    const h = start();
    server.answers = [{ status: 429, headers: { 'retry-after': '20' } }, { status: 500 }];
    await h.emit(h.failed('etl-2'));
    await h.advance(40_000, 250);
    const times = attempts(h).map((row) => Number(row.at));
    expect(times).toHaveLength(3);
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(20_000);
    expect((times[1] as number) - (times[0] as number)).toBeLessThan(20_500);
    // The second failure waits first × factor = 2 s, jittered by ±20 %.
    expect((times[2] as number) - (times[1] as number)).toBeGreaterThanOrEqual(1_600);
    expect((times[2] as number) - (times[1] as number)).toBeLessThanOrEqual(2_650);
  });

  it('fails at once on a 4xx other than 429, and says so with alert_failed', async () => {
    const h = start();
    server.answers = [{ status: 404 }];
    await h.emit(h.failed('etl-3'));
    await h.advance(60_000, 5_000);
    expect(server.to('/hook')).toHaveLength(1);
    expect(h.eventsOf('alert_failed')).toMatchObject([
      { channel: 'ops-hook', rule: 'run-failed', severity: 'critical', alerts: 1 },
    ]);
    expect(String((h.eventsOf('alert_failed')[0] as { reason?: string }).reason)).toContain('404');
  });

  it('completes a pending delivery after a restart, with the same Idempotency-Key', async () => {
    const port = server.port;
    await server.stop();
    const h = start(config(), { OPS_WEBHOOK_URL: `http://127.0.0.1:${port}/hook` });
    await h.emit(h.failed('etl-4'));
    await h.advance(3_000, 500);
    expect(attempts(h).length).toBeGreaterThanOrEqual(2);
    await h.restart();
    server = await new HookServer().start(port);
    await h.advance(20_000, 1_000);
    const hook = server.to('/hook');
    expect(hook).toHaveLength(1);
    expect(hook[0]?.json).toMatchObject({
      alerts: [{ event: { run_id: 'etl-4' } }],
    });
    expect(hook[0]?.headers['idempotency-key']).toMatch(/:1$/);
  });

  it('expires a row undelivered after max_age', async () => {
    const port = server.port;
    await server.stop();
    const h = start(config('', '  max_age: 1m'), {
      OPS_WEBHOOK_URL: `http://127.0.0.1:${port}/hook`,
    });
    await h.emit(h.failed('etl-5'));
    await h.advance(70_000, 1_000);
    const failed = h.eventsOf('alert_failed');
    expect(failed).toHaveLength(1);
    expect(String((failed[0] as { reason?: string }).reason)).toMatch(
      /not delivered within max_age \(1m( \d+s)?\): connection refused by 127\.0\.0\.1:\d+/,
    );
  });

  it('raises one "delivery failing" notice on the desktop after three failed attempts', async () => {
    const h = start();
    server.answers = Array.from({ length: 8 }, () => ({ status: 502 }));
    await h.emit(h.failed('etl-6'));
    await h.advance(40_000, 500);
    const notices = h.desktop.shown.filter((notice) => notice.title.includes('failing'));
    expect(notices).toHaveLength(1);
    expect(notices[0]?.title).toContain('alerts to ops-hook are failing: HTTP 502');
    expect(h.store.alerts.channels.failingChannels()).toMatchObject([{ channel: 'ops-hook' }]);
    await h.advance(60_000, 2_000);
    expect(h.store.alerts.channels.failingChannels()).toEqual([]);
  });

  it('never writes a secret URL path into errors, history or logs', async () => {
    const yaml = config().replace('channels: [ops-hook]\n', 'channels: [slack]\n');
    const port = server.port;
    await server.stop();
    const h = start(yaml, { SLACK_WEBHOOK_URL: `http://127.0.0.1:${port}${SECRET_PATH}` });
    await h.emit(h.failed('etl-7'));
    await h.advance(5_000, 500);
    const db = storeDb(h);
    const everything = JSON.stringify([
      db.prepare('SELECT * FROM delivery_attempts').all(),
      db.prepare('SELECT * FROM outbox').all(),
      db.prepare('SELECT * FROM alert_log').all(),
      db.prepare('SELECT * FROM events').all(),
      h.logs,
    ]);
    expect(everything).toContain('connection refused');
    expect(everything).not.toContain('SLACKSECRETTOKEN');
  });
});

describe('noise control', () => {
  it('holds deliveries in quiet hours, survives a restart, and sends what still fires after as one message', async () => {
    const now = new Date(Date.UTC(2026, 10, 25, 16, 0, 0));
    const hhmm = (date: Date) =>
      `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
    const from = hhmm(new Date(now.getTime() - 60_000));
    const to = hhmm(new Date(now.getTime() + 10 * 60_000));
    const h = start(config(`quiet_hours: { from: "${from}", to: "${to}" }`));
    await h.emit(h.stalled('quiet-1'), h.stalled('quiet-2'));
    await h.emit(h.failed('quiet-3'));
    await h.advance(60_000, 5_000);
    await h.emit(h.succeeded('quiet-2'));
    expect(server.to('/hook')).toHaveLength(0);
    await h.restart();
    await h.advance(10 * 60_000, 10_000);
    const hook = server.to('/hook');
    expect(hook).toHaveLength(1);
    const runs = hook.flatMap((request) =>
      (request.json.alerts as { event: { run_id: string } }[]).map((entry) => entry.event.run_id),
    );
    expect(runs.sort()).toEqual(['quiet-1', 'quiet-3']);
  });

  it('lets critical alerts through quiet hours with except: critical', async () => {
    const now = new Date(Date.UTC(2026, 10, 25, 16, 0, 0));
    const hhmm = (date: Date) =>
      `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
    const quiet = `quiet_hours: { from: "${hhmm(new Date(now.getTime() - 60_000))}", to: "${hhmm(new Date(now.getTime() + 3_600_000))}", except: critical }`;
    const h = start(config(quiet));
    await h.emit(h.failed('crit-1'));
    await h.emit(h.stalled('warn-1'));
    await h.advance(20_000, 5_000);
    expect(server.to('/hook').map((request) => request.json.status)).toEqual(['firing']);
    expect(JSON.stringify(server.to('/hook')[0]?.json)).toContain('crit-1');
  });

  it('holds silenced alerts until the silence ends, and drops those resolved meanwhile', async () => {
    const until = new Date(Date.UTC(2026, 10, 25, 16, 5, 0)).toISOString();
    const h = start(
      config(
        `silences:\n  - { match: { pipeline: etl }, until: "${until}", comment: maintenance }`,
      ),
    );
    await h.emit(h.failed('s-1'), h.stalled('s-2'));
    await h.emit(h.run('run_completed', 'other', { outcome: 'failed' }, 'ml'));
    await h.advance(60_000, 5_000);
    expect(server.to('/hook')).toHaveLength(1);
    await h.emit(h.recovered('s-2'));
    await h.advance(5 * 60_000, 10_000);
    const hook = server.to('/hook');
    expect(hook).toHaveLength(2);
    expect(JSON.stringify(hook[1]?.json)).toContain('s-1');
    expect(JSON.stringify(hook[1]?.json)).not.toContain('s-2');
  });

  it('holds alerts matching a silence added from the UI (kept in state.db)', async () => {
    const h = start();
    h.store.alerts.silences.addSilence(
      JSON.stringify({ run_id: { regex: 'noisy-.*' } }),
      h.clock.now() + 120_000,
      'flaky runs',
      h.clock.now(),
    );
    h.service.engine.silencesChanged();
    await h.emit(h.failed('noisy-1'));
    await h.advance(30_000, 5_000);
    expect(server.to('/hook')).toHaveLength(0);
    await h.advance(100_000, 10_000);
    expect(server.to('/hook')).toHaveLength(1);
  });

  it('sends the overflow of the rate limit as one digest', async () => {
    const yaml = config('', '  throttle: 0s').replace(
      '    url: ${OPS_WEBHOOK_URL}\n',
      '    url: ${OPS_WEBHOOK_URL}\n    rate_limit: 2\n',
    );
    const h = start(yaml.replace('group_window: 10s', 'group_window: 0s'));
    for (let i = 1; i <= 6; i++) await h.emit(h.failed(`rl-${i}`));
    expect(server.to('/hook')).toHaveLength(2);
    await h.advance(31_000, 1_000);
    const hook = server.to('/hook');
    expect(hook).toHaveLength(3);
    expect(String(hook[2]?.json.title)).toContain(
      '4 alerts held back by the rate limit of ops-hook',
    );
    expect(hook[2]?.json.alerts).toHaveLength(4);
  });

  it('sends a group larger than one message holds as several in a row, each alert once', async () => {
    const h = start();
    await h.emit(h.failed('big-0'));
    const drafts = Array.from({ length: 1_200 }, (_, i) => h.failed(`big-${i + 1}`));
    for (let i = 0; i < drafts.length; i += 200) await h.emit(...drafts.slice(i, i + 200));
    expect(server.to('/hook')).toHaveLength(1);

    await h.advance(11_000, 1_000);
    const hook = server.to('/hook');
    const sizes = hook.map((request) => (request.json.alerts as unknown[]).length);
    expect(sizes).toEqual([1, MAX_MESSAGE_MEMBERS, MAX_MESSAGE_MEMBERS, 200]);
    const runs = hook.flatMap((request) =>
      (request.json.alerts as { event: { run_id: string } }[]).map((alert) => alert.event.run_id),
    );
    expect(runs).toEqual(Array.from({ length: 1_201 }, (_, i) => `big-${i}`));
    const keys = hook.map((request) => request.headers['idempotency-key']);
    expect(new Set(keys).size).toBe(4);
  });

  it('folds late events into one "while Runwatch was away" digest', async () => {
    const h = start();
    const late = (runId: string) =>
      ({ ...h.failed(runId), late: true }) as ReturnType<typeof h.failed>;
    await h.emit(late('away-1'), late('away-2'), late('away-3'));
    expect(server.to('/hook')).toHaveLength(0);
    await h.advance(11_000, 1_000);
    const hook = server.to('/hook');
    expect(hook).toHaveLength(1);
    expect(hook[0]?.json.title).toBe('while Runwatch was away: 3 alerts');
  });
});

describe('hot reload', () => {
  it('keeps the last good config on a broken edit, raises config_error, and applies a good one', async () => {
    const h = start();
    h.rewriteConfig(config().replace('severity: critical', 'severity: critcal'));
    h.service.reloadNow();
    const [error] = h.eventsOf('config_error');
    expect(error).toMatchObject({ file: h.configFile });
    expect((error as { errors: string[] }).errors).toEqual([
      expect.stringMatching(
        /alerts\.yaml:14:15: .*unknown severity "critcal" \(did you mean critical\?\)/,
      ),
    ]);
    await h.emit(h.failed('reload-1'));
    expect(server.to('/hook')).toHaveLength(1);
    h.rewriteConfig(config().replace('channels: [ops-hook]\n', 'channels: [slack]\n'));
    h.service.reloadNow();
    await h.advance(11_000);
    await h.emit(h.failed('reload-2'));
    expect(server.to('/hook')).toHaveLength(1);
    expect(server.to(SECRET_PATH)).toHaveLength(1);
  });
});

describe('the settings window’s layer', () => {
  it('replaces a channel of the file at once, and stays over the file through later edits', async () => {
    const h = start();
    await h.emit(h.failed('layer-1'));
    expect(server.to('/hook')).toHaveLength(1);

    h.service.useAlertLayer({
      channels: {
        'ops-hook': {
          type: 'webhook',
          url: server.url('/saved'),
          headers: {},
          secret: '',
          min_severity: 'info',
          rate_limit: 20,
        },
      },
    });
    await h.advance(11_000);
    await h.emit(h.failed('layer-2'));
    expect(server.to('/saved')).toHaveLength(1);

    h.rewriteConfig(config().replace('severity: critical', 'severity: error'));
    h.service.reloadNow();
    await h.advance(11_000);
    await h.emit(h.failed('layer-3'));
    expect(server.to('/saved')).toHaveLength(2);
    expect(server.to('/hook')).toHaveLength(1);
  });
});

describe('email through the engine', () => {
  it('mails a failure with a [CRITICAL] subject, both parts, and a Message-ID from the row', async () => {
    const mails: { raw: string; to: string[] }[] = [];
    const smtp = new SMTPServer({
      logger: false,
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          mails.push({
            raw: Buffer.concat(chunks).toString('utf8'),
            to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const { port } = smtp.server.address() as AddressInfo;
    try {
      const yaml = config().replace(
        'rules:',
        `  email:
    type: email
    host: \${SMTP_HOST}
    port: \${SMTP_PORT:-587}
    from: \${ALERT_EMAIL_FROM}
    to: \${ALERT_EMAIL_TO}
    min_severity: error
rules:`,
      );
      const h = start(yaml.replaceAll('channels: [ops-hook]', 'channels: [email]'), {
        SMTP_HOST: '127.0.0.1',
        SMTP_PORT: String(port),
        ALERT_EMAIL_FROM: 'runwatch@example.com',
        ALERT_EMAIL_TO: 'oncall@example.com',
      });
      await h.emit(h.stalled('etl-41'), h.failed('etl-42'));
      await waitFor(() => mails.length > 0, 'the mail');
      await h.advance(15_000, 5_000);
      expect(mails).toHaveLength(1);
      const [mail] = mails;
      expect(mail?.to).toEqual(['oncall@example.com']);
      expect(mail?.raw).toMatch(
        /^Subject: \[CRITICAL\] etl run etl-42 failed \(2 of 5 steps failed\)/m,
      );
      expect(mail?.raw).toMatch(/^Message-ID: <[0-9a-f]{16}\.\d+@runwatch>/m);
      expect(mail?.raw).toContain('text/plain');
      expect(mail?.raw).toContain('text/html');
      expect(h.eventsOf('alert_sent')).toMatchObject([{ channel: 'email', rule: 'run-failed' }]);
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });
});

describe('heartbeat', () => {
  it('is requested every `every` while the source is healthy, and not while it is down', async () => {
    const h = start(config(`heartbeat: { url: "\${HEARTBEAT_URL}", every: 10s }`), {
      HEARTBEAT_URL: server.url('/ping/HEARTBEATSECRET'),
    });
    const pings = () => server.to('/ping/HEARTBEATSECRET').length;
    // Each ping is a real request: let it finish before the fake clock moves on.
    const tick = async (ms: number) => {
      for (let left = ms; left > 0; left -= 1_000) {
        await h.advance(1_000);
        await sleep(25);
      }
    };
    await tick(1_000);
    await waitFor(() => pings() === 1, 'the first ping');
    await tick(20_000);
    expect(pings()).toBe(3);
    h.healthy = false;
    await tick(30_000);
    expect(pings()).toBe(3);
    h.healthy = true;
    await tick(10_000);
    expect(pings()).toBe(4);
  });

  it('is inactive, not an error, when its variable is unset, and never logs its URL', async () => {
    const h = start(config(`heartbeat: { url: "\${HEARTBEAT_URL}", every: 10s }`));
    await h.advance(30_000, 5_000);
    expect(server.received).toHaveLength(0);
    const down = server.url('/ping/HEARTBEATSECRET');
    await server.stop();
    const failing = start(config(`heartbeat: { url: "\${HEARTBEAT_URL}", every: 10s }`), {
      HEARTBEAT_URL: down,
    });
    await failing.advance(1_000);
    await waitFor(() => failing.logs.some((line) => line.includes('heartbeat')), 'a warning');
    expect(failing.logs.join('\n')).not.toContain('HEARTBEATSECRET');
    await h.close();
  });
});

describe('history', () => {
  it('keeps 30 days of deliveries and transitions, and never drops an alert still firing', async () => {
    const h = start();
    await h.emit(h.failed('old-1'), h.stalled('old-2'));
    await h.advance(11_000);
    expect(server.to('/hook')).toHaveLength(2);
    h.clock.jump(31 * 86_400_000);
    await h.restart();
    await waitFor(
      () => h.logs.some((line) => /removed \d+ alert history rows older than 30d/.test(line)),
      'the prune',
    );
    expect(h.store.alerts.rows.getAlert('run-failed', 'run-failed:old-1')).toBeNull();
    expect(h.store.alerts.rows.getAlert('run-stalled', 'run-stalled:old-2')?.state).toBe('firing');
    await h.emit(h.recovered('old-2'));
    await h.advance(11_000);
    expect(JSON.stringify(server.to('/hook').at(-1)?.json)).toContain('"status":"resolved"');
  });
});

describe('order and noise after trouble', () => {
  it('never delivers a recovery before the firing it resolves, though the firing was retried', async () => {
    const h = start(
      config().replace('channels: [ops-hook]\n    repeat', 'channels: [ops-hook]\n    repeat'),
    );
    server.answers = [{ status: 503 }, { status: 503 }, { status: 503 }, { status: 503 }];
    await h.emit(h.stalled('order-1'));
    await h.advance(7_000, 500);
    await h.emit(h.recovered('order-1'));
    await h.advance(60_000, 1_000);
    const statuses = server
      .to('/hook')
      .filter((request) => request.json.status !== undefined)
      .map((request) => request.json.status);
    expect(statuses.at(-2)).toBe('firing');
    expect(statuses.at(-1)).toBe('resolved');
  });

  it('does not pile up repeats while the firing waits in quiet hours', async () => {
    const now = new Date(Date.UTC(2026, 10, 25, 16, 0, 0));
    const hhmm = (date: Date) =>
      `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
    const quiet = `quiet_hours: { from: "${hhmm(new Date(now.getTime() - 60_000))}", to: "${hhmm(new Date(now.getTime() + 30 * 60_000))}" }`;
    const yaml = config(quiet).replace(
      'match: { type: run_stalled }\n    severity: warning\n    channels: [ops-hook]',
      'match: { type: run_stalled }\n    severity: warning\n    channels: [ops-hook]\n    repeat_every: 1m',
    );
    const h = start(yaml);
    await h.emit(h.stalled('held-1'));
    await h.advance(30 * 60_000 + 20_000, 20_000);
    const hook = server.to('/hook');
    expect(hook).toHaveLength(1);
    expect(hook[0]?.json.alerts).toHaveLength(1);
    await h.advance(60_000, 10_000);
    expect(server.to('/hook')).toHaveLength(2);
    expect(String(server.to('/hook')[1]?.json.title)).toBe('still stalled: 1 run');
    expect(server.to('/hook')[1]?.json.alerts).toHaveLength(1);
  });

  it('raises the "delivery failing" notice when a receiver refuses for good (404)', async () => {
    const h = start();
    server.answers = [{ status: 404 }];
    await h.emit(h.failed('gone-1'));
    await h.advance(2_000, 500);
    expect(h.desktop.shown.map((notice) => notice.title)).toEqual([
      expect.stringContaining('alerts to ops-hook are failing: HTTP 404'),
    ]);
    expect(h.store.alerts.channels.failingChannels()).toMatchObject([{ channel: 'ops-hook' }]);
  });
});
