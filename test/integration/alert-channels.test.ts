import { execFileSync } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { AlertMember, AlertMessage } from '../../electron/core/model/alert-message.ts';
import type {
  ChannelConfig,
  EmailChannelConfig,
  SlackChannelConfig,
  WebhookChannelConfig,
} from '../../electron/core/alerts/channel-config.ts';
import type { ChannelSender, SendContext } from '../../electron/core/alerts/channels/channel.ts';
import { createChannelSender } from '../../electron/core/alerts/channels/channel-factory.ts';
import {
  nodeNotifier,
  type DesktopNotice,
  type DesktopNotifier,
} from '../../electron/core/alerts/channels/desktop-channel.ts';
import { notifierUnavailable } from '../../electron/core/alerts/channels/desktop-availability.ts';
import { httpPost } from '../../electron/core/alerts/channels/http-post.ts';
import type { RunCompletedEvent, RunStalledEvent } from '../../shared/events.ts';
import { messageFactory } from '../support/alert-message.ts';

// ---------------------------------------------------------------- fixtures

const failedRun: RunCompletedEvent = {
  id: 101,
  type: 'run_completed',
  source: 'prod-orchestrator',
  at: '2025-06-15T10:20:31.000Z',
  run_id: '42',
  pipeline: 'etl',
  attempt: 1,
  occurred_at: '2025-06-15T10:20:30.000Z',
  outcome: 'failed',
  duration_s: 183,
  steps_total: 9,
  steps_succeeded: 7,
  steps_failed: 2,
  steps_skipped: 0,
  steps_cancelled: 0,
};

const stalledRun: RunStalledEvent = {
  id: 102,
  type: 'run_stalled',
  source: 'prod-orchestrator',
  at: '2025-06-15T10:20:35.000Z',
  run_id: '43',
  pipeline: 'étl-nightly — “eu”',
  attempt: 2,
  occurred_at: '2025-06-15T10:20:35.000Z',
  idle_s: 1800,
  last_progress_at: '2025-06-15T09:50:35.000Z',
};

const runFailed: AlertMember = {
  rule: 'run-failed',
  severity: 'critical',
  dedup_key: 'run-failed:42',
  fired_at: '2025-06-15T10:20:31.000Z',
  status: 'firing',
  event: { ...failedRun },
};

const stallResolved: AlertMember = {
  rule: 'run-stalled',
  severity: 'warning',
  dedup_key: 'run-stalled:43',
  fired_at: '2025-06-15T09:50:35.000Z',
  status: 'resolved',
  event: { ...stalledRun },
};

const alertMessage = messageFactory([runFailed]);

const groupedMessage = alertMessage({
  kind: 'group',
  title: '2 alerts',
  lines: ['etl run 42 failed', 'étl-nightly — “eu” run 43 is moving again'],
  members: [runFailed, stallResolved],
});

function context(signal: AbortSignal = new AbortController().signal): SendContext {
  return { idempotencyKey: 'db7f3c:42', signal };
}

const noDesktop: DesktopNotifier = {
  unavailable: 'no notification service (notify-send not found)',
  notify: () => Promise.reject(new Error('unavailable')),
};

function sender(
  config: ChannelConfig,
  deps: Parameters<typeof createChannelSender>[1] = { desktop: noDesktop },
): ChannelSender {
  const setup = createChannelSender(config, deps);
  if (!('sender' in setup)) throw new Error(`inactive: ${setup.inactive}`);
  return setup.sender;
}

async function deliver(channel: ChannelSender, message: AlertMessage, ctx = context()) {
  return channel.send(channel.render(message), ctx);
}

/** A port nothing listens on: bound by the OS, then released. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runwatch-channels-'));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

// ---------------------------------------------------------------- a real HTTP receiver

interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

type Reply = (request: Received, response: http.ServerResponse) => void;

const received: Received[] = [];
let reply: Reply = (_request, response) => response.end('ok');
let httpServer: http.Server;
let httpPort: number;
const hookUrl = (pathAndQuery: string) => `http://127.0.0.1:${httpPort}${pathAndQuery}`;

beforeAll(async () => {
  httpServer = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks),
      };
      received.push(entry);
      reply(entry, response);
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  httpPort = (httpServer.address() as AddressInfo).port;
});

afterEach(() => {
  received.length = 0;
  reply = (_request, response) => response.end('ok');
});

afterAll(async () => {
  httpServer.closeAllConnections();
  await new Promise<void>((resolve) => httpServer.close(() => resolve()));
});

/** A server that accepts connections and never answers, as a hung receiver does. */
async function silentServer() {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    port,
    url: (pathAndQuery: string) => `http://127.0.0.1:${port}${pathAndQuery}`,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const SECRET_PATH = '/services/T000/B000/SECRETTOKEN';

function webhook(partial: Partial<WebhookChannelConfig> = {}): WebhookChannelConfig {
  return {
    type: 'webhook',
    url: hookUrl('/hooks/runwatch?team=data'),
    headers: {},
    secret: '',
    min_severity: 'info',
    rate_limit: 20,
    ...partial,
  };
}

function slack(url = hookUrl(SECRET_PATH)): SlackChannelConfig {
  return { type: 'slack', webhook_url: url, min_severity: 'info', rate_limit: 20 };
}

// ---------------------------------------------------------------- webhook

describe('webhook channel', () => {
  it('POSTs the ARCHITECTURE.md §7 body with its headers and a signature the receiver can verify', async () => {
    const secret = 'whsec-1f2e3d';
    const channel = sender(
      webhook({ secret, headers: { Authorization: 'Bearer ops-token', 'X-Team': 'data' } }),
    );
    const result = await deliver(channel, groupedMessage);

    expect(result).toEqual({ ok: true, status: 200 });
    expect(received).toHaveLength(1);
    const request = received[0]!;
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/hooks/runwatch?team=data');
    expect(JSON.parse(request.body.toString('utf8'))).toEqual({
      version: 1,
      status: 'firing',
      test: false,
      title: '2 alerts',
      alerts: [
        {
          alert: {
            rule: 'run-failed',
            severity: 'critical',
            dedup_key: 'run-failed:42',
            fired_at: '2025-06-15T10:20:31.000Z',
            status: 'firing',
          },
          event: failedRun,
        },
        {
          alert: {
            rule: 'run-stalled',
            severity: 'warning',
            dedup_key: 'run-stalled:43',
            fired_at: '2025-06-15T09:50:35.000Z',
            status: 'resolved',
          },
          event: stalledRun,
        },
      ],
    });
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['user-agent']).toBe('Runwatch');
    expect(request.headers['idempotency-key']).toBe('db7f3c:42');
    expect(request.headers.authorization).toBe('Bearer ops-token');
    expect(request.headers['x-team']).toBe('data');

    // The receiver's check: HMAC over the raw bytes (the body holds non-ASCII text).
    const expected = `sha256=${createHmac('sha256', secret).update(request.body).digest('hex')}`;
    const signature = String(request.headers['x-runwatch-signature']);
    expect(timingSafeEqual(Buffer.from(signature), Buffer.from(expected))).toBe(true);
  });

  it('sends the same bytes on a retry and keeps the idempotency key it was given', async () => {
    const channel = sender(webhook({ headers: { 'idempotency-key': 'forged' } }));
    const payload = channel.render(alertMessage({ test: true }));
    await channel.send(payload, context());
    await channel.send(payload, context());

    expect(received).toHaveLength(2);
    expect(received[0]!.body.equals(received[1]!.body)).toBe(true);
    expect(JSON.parse(received[0]!.body.toString()).test).toBe(true);
    expect(received.map((r) => r.headers['idempotency-key'])).toEqual(['db7f3c:42', 'db7f3c:42']);
    expect(received[0]!.headers['x-runwatch-signature']).toBeUndefined();
  });

  it('retries a 500 and reports the status, the host and what the server said', async () => {
    reply = (_request, response) => {
      response.statusCode = 500;
      response.end(`upstream exploded\n${'x'.repeat(500)}`);
    };
    const result = await deliver(sender(webhook()), alertMessage());

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.retry).toBe(true);
    expect(result.status).toBe(500);
    expect(result.error).toMatch(
      new RegExp(`^HTTP 500 from 127\\.0\\.0\\.1:${httpPort}: upstream exploded x+$`),
    );
    expect(result.error.length).toBeLessThan(260);
    expect(result.error).not.toContain('/hooks/runwatch');
    expect(result.error).not.toContain('team=data');
  });

  it('retries a 429 after the seconds its Retry-After asks for', async () => {
    reply = (_request, response) => {
      response.writeHead(429, { 'Retry-After': '30' });
      response.end('rate limited');
    };
    const result = await deliver(sender(webhook()), alertMessage());
    expect(result).toMatchObject({ ok: false, retry: true, status: 429, retryAfterMs: 30_000 });
  });

  it('reads a Retry-After given as an HTTP date', async () => {
    reply = (_request, response) => {
      const when = new Date(Date.now() + 120_000).toUTCString();
      response.writeHead(503, { 'Retry-After': when });
      response.end();
    };
    const result = await deliver(sender(webhook()), alertMessage());
    expect(result).toMatchObject({ ok: false, retry: true, status: 503 });
    const after = result.ok ? undefined : result.retryAfterMs;
    expect(after).toBeGreaterThan(110_000);
    expect(after).toBeLessThanOrEqual(120_000);
  });

  it('gives up on a 404 and scrubs the secret path the server echoes back', async () => {
    reply = (request, response) => {
      response.statusCode = 404;
      response.end(`Cannot POST ${request.url}`);
    };
    const result = await deliver(sender(webhook({ url: hookUrl(SECRET_PATH) })), alertMessage());

    expect(result).toMatchObject({ ok: false, retry: false, status: 404 });
    expect(result.ok ? '' : result.error).toMatch(/^HTTP 404 from 127\.0\.0\.1:\d+: Cannot POST/);
    expect(result.ok ? '' : result.error).not.toContain('SECRETTOKEN');
  });

  it('does not follow a redirect, which would turn the POST into a GET', async () => {
    reply = (_request, response) => {
      response.writeHead(302, { Location: '/elsewhere' });
      response.end();
    };
    const result = await deliver(sender(webhook()), alertMessage());
    expect(result).toMatchObject({ ok: false, retry: false, status: 302 });
    expect(received.map((r) => r.method)).toEqual(['POST']);
  });

  it('retries a refused connection and names host:port, never the path', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}${SECRET_PATH}?token=SECRETTOKEN`;
    const result = await deliver(sender(webhook({ url })), alertMessage());

    expect(result).toEqual({
      ok: false,
      retry: true,
      error: `connection refused by 127.0.0.1:${port}`,
    });
  });

  it('retries when the server closes the connection without answering', async () => {
    reply = (_request, response) => response.socket?.destroy();
    const result = await deliver(sender(webhook({ url: hookUrl(SECRET_PATH) })), alertMessage());
    expect(result).toEqual({
      ok: false,
      retry: true,
      error: `connection closed by 127.0.0.1:${httpPort} before it answered`,
    });
  });

  it('stops waiting when the engine times the attempt out, and retries later', async () => {
    const silent = await silentServer();
    onTestFinished(() => silent.close());
    const started = Date.now();
    const channel = sender(webhook({ url: silent.url(SECRET_PATH) }));
    const result = await deliver(channel, alertMessage(), context(AbortSignal.timeout(200)));

    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result).toEqual({
      ok: false,
      retry: true,
      error: `timed out waiting for 127.0.0.1:${silent.port}`,
    });
  });

  it('says an attempt was cancelled when the engine stops it', async () => {
    const silent = await silentServer();
    onTestFinished(() => silent.close());
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const channel = sender(webhook({ url: silent.url(SECRET_PATH) }));
    const result = await deliver(channel, alertMessage(), context(controller.signal));
    expect(result).toEqual({
      ok: false,
      retry: true,
      error: `cancelled before 127.0.0.1:${silent.port} answered`,
    });
  });

  it('gives every request its own time limit', async () => {
    const silent = await silentServer();
    onTestFinished(() => silent.close());
    const result = await httpPost({
      url: silent.url(SECRET_PATH),
      body: '{}',
      headers: [],
      signal: new AbortController().signal,
      timeoutMs: 300,
    });
    expect(result).toEqual({
      ok: false,
      retry: true,
      error: `timed out after 0.3s waiting for 127.0.0.1:${silent.port}`,
    });
  });

  it('refuses a header value that cannot be sent without echoing the value', async () => {
    const channel = sender(
      webhook({ headers: { Authorization: 'Bearer SECRETTOKEN\nX-Evil: 1' } }),
    );
    const result = await deliver(channel, alertMessage());
    expect(result).toEqual({
      ok: false,
      retry: false,
      error: 'header "Authorization" has an invalid name or value',
    });
    expect(received).toHaveLength(0);
  });
});

// ---------------------------------------------------------------- slack

describe('slack channel', () => {
  it('posts Block Kit with a plain fallback that Slack accepts', async () => {
    reply = (_request, response) => response.end('ok');
    const message = alertMessage({
      test: true,
      lines: ['etl run 42 failed: <!channel> & friends'],
    });
    const result = await deliver(sender(slack()), message);

    expect(result).toEqual({ ok: true, status: 200 });
    const request = received[0]!;
    expect(request.url).toBe(SECRET_PATH);
    expect(request.headers['content-type']).toBe('application/json');
    expect(request.headers['idempotency-key']).toBe('db7f3c:42');
    const payload = JSON.parse(request.body.toString());
    expect(payload.text).toBe(
      '[TEST] [CRITICAL] etl run 42 failed\n• etl run 42 failed: &lt;!channel&gt; &amp; friends',
    );
    expect(payload.blocks.map((block: { type: string }) => block.type)).toEqual([
      'header',
      'section',
      'context',
    ]);
    expect(payload.blocks[0].text).toEqual({
      type: 'plain_text',
      text: '[TEST] [CRITICAL] etl run 42 failed',
      emoji: true,
    });
    expect(payload.blocks[1].text).toEqual({
      type: 'mrkdwn',
      text: '• etl run 42 failed: &lt;!channel&gt; &amp; friends',
    });
    const context = payload.blocks[2].elements[0].text as string;
    expect(context).toContain('source prod-orchestrator');
    expect(context).toContain('<!date^1749982831^');
    expect(context).toContain('|2025-06-15T10:20:31.000Z>');
  });

  it('treats a removed webhook as permanent without leaking its token', async () => {
    reply = (request, response) => {
      response.statusCode = 404;
      response.end(`no_service ${request.url}`);
    };
    const result = await deliver(sender(slack()), alertMessage());
    expect(result).toMatchObject({ ok: false, retry: false, status: 404 });
    expect(result.ok ? '' : result.error).toMatch(/^HTTP 404 from 127\.0\.0\.1:\d+: no_service/);
    expect(result.ok ? '' : result.error).not.toContain('SECRETTOKEN');
    expect(result.ok ? '' : result.error).not.toContain('T000/B000');
  });

  it('waits as long as Slack asks after a 429', async () => {
    reply = (_request, response) => {
      response.writeHead(429, { 'Retry-After': '7' });
      response.end('rate_limited');
    };
    const result = await deliver(sender(slack()), alertMessage());
    expect(result).toMatchObject({ ok: false, retry: true, status: 429, retryAfterMs: 7_000 });
  });

  it('names the host of a refused Slack URL and nothing of its secret path', async () => {
    const port = await freePort();
    const result = await deliver(
      sender(slack(`http://127.0.0.1:${port}${SECRET_PATH}`)),
      alertMessage(),
    );
    expect(result).toEqual({
      ok: false,
      retry: true,
      error: `connection refused by 127.0.0.1:${port}`,
    });
  });
});

// ---------------------------------------------------------------- email

interface Delivered {
  from: string;
  to: string[];
  raw: string;
  secure: boolean;
  user: unknown;
}

interface Smtp {
  port: number;
  delivered: Delivered[];
  logins: string[];
  close(): Promise<void>;
}

async function startSmtp(options: SMTPServerOptions): Promise<Smtp> {
  const delivered: Delivered[] = [];
  const logins: string[] = [];
  const server = new SMTPServer({
    logger: false,
    onAuth(auth, _session, callback) {
      logins.push(auth.username ?? '');
      if (auth.username === 'alerts' && auth.password === 'c0rrect-h0rse') {
        callback(null, { user: auth.username });
      } else {
        callback(new Error('Invalid username or password'));
      }
    },
    onData(stream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        delivered.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
          user: session.user,
        });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    port,
    delivered,
    logins,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function email(port: number, partial: Partial<EmailChannelConfig> = {}): EmailChannelConfig {
  return {
    type: 'email',
    host: '127.0.0.1',
    port,
    user: '',
    password: '',
    from: 'Runwatch <runwatch@example.test>',
    to: ['oncall@example.test', 'data-team@example.test'],
    min_severity: 'info',
    rate_limit: 20,
    ...partial,
  };
}

function decodeQuotedPrintable(text: string): string {
  const bytes = text
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

interface ParsedPart {
  headers: Map<string, string>;
  body: string;
}

function parseEntity(raw: string): ParsedPart {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim());
  }
  const body = raw.slice(split + 4);
  const encoding = headers.get('content-transfer-encoding')?.toLowerCase();
  if (encoding === 'quoted-printable') return { headers, body: decodeQuotedPrintable(body) };
  if (encoding === 'base64') return { headers, body: Buffer.from(body, 'base64').toString('utf8') };
  return { headers, body };
}

/** Just enough MIME to read what nodemailer sends: one multipart/alternative, text and HTML. */
function parseMail(raw: string): { headers: Map<string, string>; text: string; html: string } {
  const top = parseEntity(raw);
  const boundary = /boundary="?([^";]+)"?/.exec(top.headers.get('content-type') ?? '')?.[1];
  if (!boundary) throw new Error(`not multipart: ${top.headers.get('content-type')}`);
  const parts = top.body
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => parseEntity(part.replace(/^\r\n/, '').replace(/\r\n$/, '')));
  const byType = (type: string) =>
    parts.find((part) => part.headers.get('content-type')?.startsWith(type))?.body ?? '';
  return { headers: top.headers, text: byType('text/plain'), html: byType('text/html') };
}

describe('email channel', () => {
  let smtp: Smtp;
  beforeAll(async () => {
    smtp = await startSmtp({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      onRcptTo(address, _session, callback) {
        const local = address.address.split('@')[0];
        if (local === 'nobody' || local === 'busy') {
          const error = Object.assign(
            new Error(local === 'nobody' ? 'No such user' : 'Mailbox busy, try later'),
            {
              responseCode: local === 'nobody' ? 550 : 451,
            },
          );
          callback(error);
          return;
        }
        callback();
      },
    });
  });
  afterAll(() => smtp.close());
  afterEach(() => {
    smtp.delivered.length = 0;
    smtp.logins.length = 0;
  });

  it('delivers a text and an HTML part, with the idempotency key as Message-ID', async () => {
    const message = alertMessage({
      title: 'etl run 42 failed',
      lines: ['step <script>alert(1)</script> failed', 'étl-nightly — “eu” run 43 stalled'],
      members: [runFailed, { ...stallResolved, status: 'firing' }],
    });
    const result = await deliver(sender(email(smtp.port)), message);

    expect(result).toEqual({ ok: true });
    expect(smtp.delivered).toHaveLength(1);
    const mail = smtp.delivered[0]!;
    expect(mail.from).toBe('runwatch@example.test');
    expect(mail.to).toEqual(['oncall@example.test', 'data-team@example.test']);

    const parsed = parseMail(mail.raw);
    expect(parsed.headers.get('subject')).toBe('[CRITICAL] etl run 42 failed');
    expect(parsed.headers.get('message-id')).toBe('<db7f3c.42@runwatch>');
    expect(parsed.headers.get('x-runwatch-idempotency-key')).toBe('db7f3c:42');
    expect(parsed.headers.get('to')).toBe('oncall@example.test, data-team@example.test');

    expect(parsed.text).toContain('[CRITICAL] etl run 42 failed');
    expect(parsed.text).toContain('- step <script>alert(1)</script> failed');
    expect(parsed.text).toContain('- étl-nightly — “eu” run 43 stalled');
    expect(parsed.text).toContain('run-failed | critical | firing | run-failed:42');

    expect(parsed.html).toContain('<li>step &lt;script&gt;alert(1)&lt;/script&gt; failed</li>');
    expect(parsed.html).not.toContain('<script>');
    expect(parsed.html).toContain('<li>étl-nightly — “eu” run 43 stalled</li>');
    expect(parsed.html).toContain(
      '<td style="padding:2px 12px 2px 0;text-align:left">run-stalled:43</td>',
    );
  });

  it('gives up when the server rejects the recipient for good (550)', async () => {
    const result = await deliver(
      sender(email(smtp.port, { to: ['nobody@example.test'] })),
      alertMessage(),
    );
    expect(result).toEqual({
      ok: false,
      retry: false,
      status: 550,
      error: `SMTP 550 from 127.0.0.1:${smtp.port}: 550 No such user`,
    });
    expect(smtp.delivered).toHaveLength(0);
  });

  it('retries when the server defers (451)', async () => {
    const result = await deliver(
      sender(email(smtp.port, { to: ['busy@example.test'] })),
      alertMessage(),
    );
    expect(result).toEqual({
      ok: false,
      retry: true,
      status: 451,
      error: `SMTP 451 from 127.0.0.1:${smtp.port}: 451 Mailbox busy, try later`,
    });
  });

  it('never sends credentials to a server that cannot encrypt them', async () => {
    const config = email(smtp.port, { user: 'alerts', password: 'c0rrect-h0rse' });
    const result = await deliver(sender(config), alertMessage());

    expect(result).toMatchObject({ ok: false, retry: false });
    expect(result.ok ? '' : result.error).toBe(
      `127.0.0.1:${smtp.port} does not offer STARTTLS (500); credentials are only sent encrypted`,
    );
    expect(smtp.logins).toEqual([]);
    expect(smtp.delivered).toHaveLength(0);
  });

  it('retries a refused connection and names the server', async () => {
    const port = await freePort();
    const result = await deliver(sender(email(port)), alertMessage());
    expect(result).toEqual({
      ok: false,
      retry: true,
      error: `connection refused by 127.0.0.1:${port}`,
    });
  });

  it('retries when the engine cancels a send to a server that never greets', async () => {
    const silent = await silentServer();
    onTestFinished(() => silent.close());
    const channel = sender(email(silent.port));
    const result = await deliver(channel, alertMessage(), context(AbortSignal.timeout(300)));
    expect(result).toEqual({
      ok: false,
      retry: true,
      error: `timed out sending to 127.0.0.1:${silent.port}`,
    });
  });
});

const HAS_OPENSSL = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe.skipIf(!HAS_OPENSSL)(
  'email over STARTTLS with a login (needs openssl for a test certificate)',
  () => {
    let smtp: Smtp;
    let ca: string;
    beforeAll(async () => {
      const dir = tempDir();
      const key = path.join(dir, 'key.pem');
      const cert = path.join(dir, 'cert.pem');
      execFileSync(
        'openssl',
        ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert].concat([
          '-days',
          '2',
          '-subj',
          '/CN=127.0.0.1',
          '-addext',
          'subjectAltName=IP:127.0.0.1',
        ]),
        { stdio: 'ignore' },
      );
      ca = fs.readFileSync(cert, 'utf8');
      smtp = await startSmtp({ key: fs.readFileSync(key), cert: ca });
    });
    afterAll(() => smtp?.close());
    afterEach(() => {
      smtp.delivered.length = 0;
      smtp.logins.length = 0;
    });

    const login = (password: string) => ({ user: 'alerts', password });

    it('upgrades to TLS, logs in and delivers', async () => {
      const channel = sender(email(smtp.port, login('c0rrect-h0rse')), {
        desktop: noDesktop,
        tls: { ca },
      });
      const result = await deliver(channel, alertMessage());

      expect(result).toEqual({ ok: true });
      expect(smtp.delivered).toHaveLength(1);
      expect(smtp.delivered[0]).toMatchObject({ secure: true, user: 'alerts' });
    });

    it('reports a wrong password as permanent, without the password', async () => {
      const password = 'wr0ng-Passw0rd!';
      const channel = sender(email(smtp.port, login(password)), {
        desktop: noDesktop,
        tls: { ca },
      });
      const result = await deliver(channel, alertMessage());

      expect(result).toMatchObject({ ok: false, retry: false, status: 535 });
      expect(result.ok ? '' : result.error).toBe(
        `login rejected by 127.0.0.1:${smtp.port}: 535 Invalid username or password`,
      );
      expect(JSON.stringify(result)).not.toContain(password);
    });

    it('does not log in to a server whose certificate it cannot verify', async () => {
      const channel = sender(email(smtp.port, login('c0rrect-h0rse')));
      const result = await deliver(channel, alertMessage());

      expect(result).toMatchObject({ ok: false, retry: true });
      expect(result.ok ? '' : result.error).toContain(`127.0.0.1:${smtp.port}`);
      expect(result.ok ? '' : result.error).toMatch(/certificate/);
      expect(smtp.logins).toEqual([]);
    });
  },
);

// ---------------------------------------------------------------- desktop

describe('desktop channel', () => {
  it('is inactive, saying why, where there is no notification service', () => {
    expect(
      createChannelSender(
        { type: 'desktop', min_severity: 'info', rate_limit: 20 },
        { desktop: noDesktop },
      ),
    ).toEqual({
      inactive: 'no notification service (notify-send not found)',
    });
  });

  it('knows where node-notifier can show notifications', () => {
    const bin = tempDir();
    fs.writeFileSync(path.join(bin, 'notify-send'), '#!/bin/sh\n', { mode: 0o755 });
    const empty = tempDir();

    expect(notifierUnavailable('darwin', {})).toBeNull();
    expect(notifierUnavailable('win32', {})).toBeNull();
    expect(notifierUnavailable('linux', { PATH: empty, DISPLAY: ':0' })).toBe(
      'no notification service (notify-send not found)',
    );
    expect(notifierUnavailable('linux', { PATH: `${empty}:${bin}` })).toMatch(
      /^no notification service \(no desktop session/,
    );
    expect(notifierUnavailable('linux', { PATH: bin, WAYLAND_DISPLAY: 'wayland-0' })).toBeNull();
    expect(
      notifierUnavailable('linux', {
        PATH: bin,
        DBUS_SESSION_BUS_ADDRESS: 'unix:path=/run/user/1000/bus',
      }),
    ).toBeNull();
  });

  it('shows the notice through notify-send, passing hostile text literally', async () => {
    const bin = tempDir();
    const log = path.join(bin, 'args.log');
    const pwned = path.join(bin, 'pwned');
    fs.writeFileSync(
      path.join(bin, 'notify-send'),
      `#!/bin/sh\nfor arg in "$@"; do printf '%s\\n' "$arg"; done > '${log}'\n`,
      { mode: 0o755 },
    );
    const saved = { PATH: process.env.PATH, DISPLAY: process.env.DISPLAY };
    process.env.PATH = `${bin}${path.delimiter}${process.env.PATH ?? ''}`;
    process.env.DISPLAY = ':99';
    try {
      const desktop = nodeNotifier();
      expect(desktop.unavailable).toBeNull();
      const channel = sender(
        { type: 'desktop', min_severity: 'info', rate_limit: 20 },
        { desktop },
      );
      const message = alertMessage({
        title: `run "$(touch ${pwned})" \`touch ${pwned}\` failed`,
        lines: ['a & b <i>', 'two', 'three', 'four', 'five', 'six'],
      });
      const result = await deliver(channel, message);

      expect(result).toEqual({ ok: true });
      const args = fs.readFileSync(log, 'utf8');
      expect(args).toContain(`Runwatch: run "$(touch ${pwned})" \`touch ${pwned}\` failed\n`);
      expect(args).toContain('a &amp; b &lt;i&gt;');
      expect(args).toContain('four');
      expect(args).toContain('…and 2 more');
      expect(args).not.toContain('five');
      expect(args).toContain('--urgency\ncritical\n');
      expect(fs.existsSync(pwned)).toBe(false);
    } finally {
      process.env.PATH = saved.PATH;
      if (saved.DISPLAY === undefined) delete process.env.DISPLAY;
      else process.env.DISPLAY = saved.DISPLAY;
    }
  });

  it('hands the rendered notice to the app notifier, and retries when it fails', async () => {
    const shown: DesktopNotice[] = [];
    let fail = true;
    const desktop: DesktopNotifier = {
      unavailable: null,
      notify: async (notice) => {
        if (fail) throw new Error('notification server went away');
        shown.push(notice);
      },
    };
    const channel = sender({ type: 'desktop', min_severity: 'info', rate_limit: 20 }, { desktop });
    const payload = channel.render(alertMessage({ test: true, severity: 'warning' }));

    expect(await channel.send(payload, context())).toEqual({
      ok: false,
      retry: true,
      error: 'desktop notification failed: notification server went away',
    });
    fail = false;
    expect(await channel.send(payload, context())).toEqual({ ok: true });
    expect(shown).toEqual([
      {
        title: 'Runwatch: [TEST] etl run 42 failed',
        body: 'etl run 42 failed after 3m 3s: 2 of 9 steps failed',
        severity: 'warning',
        test: true,
        target: { view: 'home' },
      },
    ]);

    // A real alert about one run opens that run when clicked.
    expect(await channel.send(channel.render(alertMessage()), context())).toEqual({ ok: true });
    expect(shown[1]?.target).toEqual({ view: 'run', source: 'prod-orchestrator', run_id: '42' });
  });
});
