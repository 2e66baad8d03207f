import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { errorMessage } from '../../../shared/error-message.ts';
import type { ApiEndpoint } from '../api/api-endpoint.ts';
import { silentLogger, type Logger } from '../log.ts';
import { serveApiConnection } from './api-connection.ts';
import type { DownloadRegistry } from './download-registry.ts';
import { HostPolicy, isLoopback, isWildcard, urlHostname } from './host-policy.ts';
import { sendText } from './plain-responses.ts';
import { DEFAULT_HOST, DEFAULT_PORT } from './serve-defaults.ts';
import { randomSecret, secretDigest } from './secrets.ts';
import { exposedWarning } from './serve-warning.ts';
import { answerRequest, type ServeContext } from './serve-requests.ts';
import { answerUpgrade } from './serve-upgrade.ts';
import { Sessions } from './sessions.ts';
import { keepAlive } from './socket-keepalive.ts';
import { MAX_MESSAGE_BYTES } from './socket-protocol.ts';

const PING_INTERVAL_MS = 30_000;
/** How long `close()` lets browsers answer the close frame before cutting them off. */
const CLOSE_GRACE_MS = 1_000;

export interface ServeOptions {
  /** The API this server carries to the browser. */
  endpoint: ApiEndpoint;
  /** The folder of the UI: `GET /` is its `index.html`. */
  root: string;
  /** Default `DEFAULT_HOST`; anywhere else is reported as a warning. */
  host?: string;
  /** Default `DEFAULT_PORT`; 0 picks a free port. */
  port?: number;
  /**
   * Where the core registers files the browser may download; made before this server, since
   * the endpoint answers `showRunFile` with these URLs.
   */
  downloads: DownloadRegistry;
  log?: Logger;
  pingIntervalMs?: number;
}

export interface ServeAddress {
  /** The URL to open, with the token: `http://HOST:PORT/?token=T`. */
  url: string;
  port: number;
  /** The address bound, as a URL writes it (`[::1]`). */
  host: string;
}

interface Running {
  server: http.Server;
  sockets: WebSocketServer;
  stopKeepAlive: () => void;
}

/**
 * `runwatch serve`'s transport: the UI's files, the API as a WebSocket at `/api`, and downloads,
 * over plain HTTP to a browser. A token printed at start is exchanged for a session cookie, and
 * everything else needs that session.
 */
export class ServeServer {
  private readonly options: ServeOptions;
  private readonly log: Logger;
  private readonly token = randomSecret();
  private running: Running | null = null;

  constructor(options: ServeOptions) {
    this.options = options;
    this.log = options.log ?? silentLogger;
  }

  async start(): Promise<ServeAddress> {
    if (this.running) throw new Error('serve: already started');
    const host = urlHostname(this.options.host ?? DEFAULT_HOST);
    const root = await fs.promises.realpath(this.options.root).catch((error: unknown) => {
      throw new Error(
        `serve: cannot read the UI folder ${this.options.root}: ${errorMessage(error)}`,
      );
    });
    const server = http.createServer();
    const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
    const port = await listen(server, host, this.options.port ?? DEFAULT_PORT);

    const context: ServeContext = {
      hosts: new HostPolicy(host, port),
      sessions: new Sessions(port),
      tokenDigest: secretDigest(this.token),
      root,
      downloads: this.options.downloads,
      endpoint: this.options.endpoint,
      log: this.log,
    };
    server.on('request', (request, response) => {
      answerRequest(context, request, response).catch((error: unknown) => {
        this.log.error(`serve: ${request.method} ${request.url}: ${errorMessage(error)}`);
        if (response.headersSent) response.destroy();
        else sendText(response, 500, 'Something went wrong; see the runwatch log.\n');
      });
    });
    server.on('error', (error) => this.log.error(`serve: ${error.message}`));
    server.on('upgrade', (request, socket, head) =>
      answerUpgrade(context, sockets, request, socket, head),
    );
    const stopKeepAlive = keepAlive(sockets, this.options.pingIntervalMs ?? PING_INTERVAL_MS);
    sockets.on('connection', (socket: WebSocket) =>
      serveApiConnection(socket, this.options.endpoint, this.log),
    );
    this.running = { server, sockets, stopKeepAlive };

    if (!isLoopback(host)) this.log.warn(exposedWarning(host, port));
    // Bound everywhere, the machine itself is one address that surely works.
    const urlHost = isWildcard(host) ? DEFAULT_HOST : host;
    return { url: `http://${urlHost}:${port}/?token=${this.token}`, port, host };
  }

  /** Says goodbye to every browser, then stops listening. */
  async close(): Promise<void> {
    const running = this.running;
    if (!running) return;
    this.running = null;
    running.stopKeepAlive();
    const closed = new Promise<void>((resolve) => running.server.close(() => resolve()));
    running.server.closeAllConnections();
    // Closed first, the socket server turns away an upgrade still under way (503).
    running.sockets.close();
    await closeSockets(running.sockets);
    await closed;
  }
}

function listen(server: http.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => {
      const why = error.code === 'EADDRINUSE' ? 'the port is in use' : error.message;
      reject(new Error(`serve: cannot listen on ${host}:${port}: ${why}`, { cause: error }));
    };
    server.once('error', fail);
    server.listen(port, host.replace(/^\[(.*)\]$/, '$1'), () => {
      server.off('error', fail);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

async function closeSockets(sockets: WebSocketServer): Promise<void> {
  const clients = [...sockets.clients];
  const cutOff = setTimeout(() => {
    for (const client of clients) client.terminate();
  }, CLOSE_GRACE_MS);
  await Promise.all(
    clients.map(
      (client) =>
        new Promise<void>((resolve) => {
          client.once('close', () => resolve());
          client.close(1001, 'runwatch serve is stopping');
        }),
    ),
  );
  clearTimeout(cutOff);
}
