import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  json: Record<string, unknown>;
  at: number;
}

/**
 * A real HTTP server on 127.0.0.1 standing in for Slack or a webhook receiver. Answers come
 * from `answers` in order (then the default status): a status, optionally with headers.
 */
export class HookServer {
  readonly received: ReceivedRequest[] = [];
  answers: { status: number; headers?: Record<string, string> }[] = [];
  private server: http.Server | null = null;
  private readonly status: number;
  port = 0;

  /** `status` answers every request `answers` does not cover. */
  constructor(options: { status?: number } = {}) {
    this.status = options.status ?? 200;
  }

  async start(port = 0): Promise<this> {
    this.server = http.createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        let json: Record<string, unknown> = {};
        try {
          json = JSON.parse(body) as Record<string, unknown>;
        } catch {
          // Not JSON: the test looks at `body`.
        }
        this.received.push({
          path: request.url ?? '',
          headers: request.headers,
          body,
          json,
          at: Date.now(),
        });
        const answer = this.answers.shift() ?? { status: this.status };
        response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        // Echoes the path in errors, as some servers do: a secret path must still be redacted.
        response.end(answer.status < 300 ? 'ok' : `no hook at ${request.url ?? ''}`);
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  to(path: string): ReceivedRequest[] {
    return this.received.filter((request) => request.path === path);
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = null;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * An alerts.yaml whose one channel, `channel`, is a webhook posting to `url`, with the rule
 * `run-failed` sending it each failed run as critical. `more` lines follow that rule: further
 * rules, or a `defaults:` section.
 */
export function webhookAlertsYaml(url: string, channel: string, more: string[] = []): string {
  return [
    'channels:',
    `  ${channel}:`,
    '    type: webhook',
    `    url: ${url}`,
    'rules:',
    '  - name: run-failed',
    '    match: { type: run_completed, outcome: failed }',
    '    severity: critical',
    `    channels: [${channel}]`,
    ...more,
    '',
  ].join('\n');
}
