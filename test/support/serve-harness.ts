import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { onTestFinished } from 'vitest';
import { WebSocket } from 'ws';
import {
  checkRequest,
  type ApiReply,
  type PushMessage,
  type RequestName,
  type Snapshot,
} from '../../shared/api.ts';
import type { ApiEndpoint } from '../../electron/core/api/api-endpoint.ts';
import type { Logger } from '../../electron/core/log.ts';
import { DownloadRegistry } from '../../electron/core/serve/download-registry.ts';
import {
  ServeServer,
  type ServeAddress,
  type ServeOptions,
} from '../../electron/core/serve/serve-server.ts';
import { waitFor } from './wait.ts';

/**
 * The API as the tests want it: requests are checked by the real contract and answered with
 * fixed results; `listSilences` takes its time (so replies can overtake it),
 * `removeSilence` throws (which the real endpoint never does), and `snapshot` answers with
 * `snapshot` when the test set one.
 */
export class FakeEndpoint implements ApiEndpoint {
  readonly requests: unknown[] = [];
  snapshot: Snapshot | null = null;
  private readonly listeners = new Set<(message: PushMessage) => void>();

  get subscribers(): number {
    return this.listeners.size;
  }

  async handle(request: unknown): Promise<ApiReply<RequestName>> {
    this.requests.push(request);
    const checked = checkRequest(request);
    if (!checked.ok) return { ok: false, error: checked.error };
    switch (checked.name) {
      case 'acknowledge':
        return { ok: true, result: { acknowledged: 3 } };
      case 'listSilences':
        await new Promise((resolve) => setTimeout(resolve, 150));
        return { ok: true, result: [] };
      case 'removeSilence':
        throw new Error('the store is gone');
      case 'snapshot':
        if (this.snapshot) return { ok: true, result: this.snapshot };
        return { ok: false, error: { code: 'unavailable', message: 'no runs read yet' } };
      default:
        return { ok: false, error: { code: 'unavailable', message: `${checked.name} is faked` } };
    }
  }

  subscribe(listener: (message: PushMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  push(message: PushMessage): void {
    for (const listener of this.listeners) listener(message);
  }
}

export class LogLines implements Logger {
  readonly lines: { level: string; message: string }[] = [];
  debug = (message: string) => this.lines.push({ level: 'debug', message });
  info = (message: string) => this.lines.push({ level: 'info', message });
  warn = (message: string) => this.lines.push({ level: 'warn', message });
  error = (message: string) => this.lines.push({ level: 'error', message });
  at(level: string): string[] {
    return this.lines.filter((line) => line.level === level).map((line) => line.message);
  }
}

export const SECRET = 'the-secret-outside-the-ui-folder';

/**
 * A UI folder beside things it must never hand out: a package.json and a secret file next to
 * it, a symlink to that file and one to its folder inside it.
 */
export function makeSite(): { dir: string; root: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'runwatch-serve-'));
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  const root = path.join(dir, 'ui');
  fs.mkdirSync(path.join(root, 'nested'), { recursive: true });
  fs.mkdirSync(path.join(root, 'assets'));
  fs.mkdirSync(path.join(dir, 'private'));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ secret: SECRET }));
  fs.writeFileSync(path.join(dir, 'private', 'secret.txt'), SECRET);
  fs.writeFileSync(
    path.join(root, 'index.html'),
    '<!doctype html><title>UI</title><script type="module" src="app.js"></script>',
  );
  fs.writeFileSync(path.join(root, 'app.js'), 'console.log("ui");\n');
  fs.writeFileSync(path.join(root, 'assets', 'view-3f9a1c.js'), 'export const view = 1;\n');
  fs.writeFileSync(path.join(root, 'style.css'), 'body { margin: 0; }\n');
  fs.writeFileSync(path.join(root, 'logo.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  fs.writeFileSync(path.join(root, 'nested', 'data.json'), '{"ok":true}');
  fs.writeFileSync(path.join(root, '.env'), SECRET);
  fs.symlinkSync(path.join(dir, 'private', 'secret.txt'), path.join(root, 'leak.txt'));
  fs.symlinkSync(path.join(dir, 'private'), path.join(root, 'escape'));
  fs.symlinkSync('app.js', path.join(root, 'alias.js'));
  return { dir, root };
}

export interface Served {
  server: ServeServer;
  endpoint: FakeEndpoint;
  downloads: DownloadRegistry;
  address: ServeAddress;
  log: LogLines;
  dir: string;
  root: string;
  /** `http://127.0.0.1:PORT` */
  base: string;
}

/** A real server on 127.0.0.1 and a free port, closed when the test ends. */
export async function startServe(
  options: Partial<Omit<ServeOptions, 'downloads'>> = {},
): Promise<Served> {
  const { dir, root } = makeSite();
  const endpoint = new FakeEndpoint();
  const downloads = new DownloadRegistry();
  const log = new LogLines();
  const server = new ServeServer({ endpoint, root, downloads, port: 0, log, ...options });
  const address = await server.start();
  onTestFinished(() => server.close());
  return {
    server,
    endpoint,
    downloads,
    address,
    log,
    dir,
    root,
    base: `http://127.0.0.1:${address.port}`,
  };
}

/** Opens the printed URL as a browser would and returns the session cookie (`name=value`). */
export async function signIn(url: string): Promise<string> {
  const response = await fetch(url, { redirect: 'manual' });
  const cookie = response.headers.get('set-cookie');
  if (response.status !== 303 || !cookie) throw new Error(`sign-in answered ${response.status}`);
  return cookie.split(';')[0] ?? '';
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A request with the target and headers exactly as given (fetch would normalize `..`). */
export function rawRequest(
  port: number,
  target: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, path: target, method, headers, agent: false },
      (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (body += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body }),
        );
      },
    );
    request.on('error', reject);
    request.end();
  });
}

export interface SocketOptions {
  cookie?: string;
  origin?: string | null;
  host?: string;
  path?: string;
  autoPong?: boolean;
}

/** A browser's `/api` socket, with every message it received. */
export class ApiClient {
  readonly socket: WebSocket;
  readonly received: Record<string, unknown>[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('message', (data) => this.received.push(JSON.parse(String(data))));
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => resolve({ code, reason: String(reason) })),
    );
  }

  get pushes(): unknown[] {
    return this.received.filter((message) => 'push' in message).map((message) => message.push);
  }

  replyTo(id: number | null): Promise<unknown> {
    return waitFor(
      () => this.received.find((message) => 'reply' in message && message.id === id)?.reply,
      `the reply to ${id}`,
    );
  }

  async request(id: number, request: unknown): Promise<unknown> {
    this.socket.send(JSON.stringify({ id, request }));
    return this.replyTo(id);
  }
}

/** Opens `/api`; resolves once open, or with the HTTP status the server refused it with. */
export function openSocket(port: number, options: SocketOptions = {}): Promise<ApiClient | number> {
  const headers: Record<string, string> = {};
  if (options.cookie) headers.cookie = options.cookie;
  if (options.host) headers.host = options.host;
  const origin = options.origin === undefined ? `http://127.0.0.1:${port}` : options.origin;
  const socket = new WebSocket(`ws://127.0.0.1:${port}${options.path ?? '/api'}`, {
    headers,
    ...(origin === null ? {} : { origin }),
    autoPong: options.autoPong ?? true,
  });
  onTestFinished(() => socket.terminate());
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(new ApiClient(socket)));
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      response.resume();
    });
    socket.on('error', reject);
  });
}

/** Opens `/api` where it must work. */
export async function connect(port: number, options: SocketOptions = {}): Promise<ApiClient> {
  const client = await openSocket(port, options);
  if (typeof client === 'number') throw new Error(`the socket was refused with ${client}`);
  return client;
}
