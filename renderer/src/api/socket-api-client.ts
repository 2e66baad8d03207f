/**
 * `RunwatchApi` over `runwatch serve`'s `/api` WebSocket, the browser's side of
 * shared/socket-protocol.ts. It reconnects with backoff for as long as it lives; requests made
 * while it is not connected wait for the next connection, and those whose reply was lost with a
 * closed socket are rejected, so nothing waits forever.
 */
import type { PushMessage, RequestName, RunwatchApi } from '../../../shared/api.ts';
import { ApiRequestError, requestMethods } from '../../../shared/api-client.ts';
import type { ClientMessage, ServerMessage } from '../../../shared/socket-protocol.ts';

/** What the client needs of a WebSocket: the browser's, or `ws`'s in tests. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  addEventListener(type: 'open' | 'close' | 'message', listener: (event: unknown) => void): void;
}

export type Connection =
  | { state: 'connecting' }
  | { state: 'open' }
  /** Lost; the next try is at `retry_at` (ms since the epoch). */
  | { state: 'closed'; retry_at: number };

export interface SocketApi extends RunwatchApi {
  /** The connection now and at every change; returns the unsubscribe. */
  onConnection(listener: (connection: Connection) => void): () => void;
  /** Closes the socket for good. */
  close(): void;
}

export interface SocketApiOptions {
  url: string;
  open?: (url: string) => SocketLike;
  firstRetryMs?: number;
  maxRetryMs?: number;
}

const OPEN = 1;

interface Waiting {
  resolve(reply: unknown): void;
  reject(error: Error): void;
}

export function socketApiClient(options: SocketApiOptions): SocketApi {
  const open = options.open ?? ((url: string) => new WebSocket(url));
  const firstRetryMs = options.firstRetryMs ?? 1_000;
  const maxRetryMs = options.maxRetryMs ?? 15_000;

  const pushListeners = new Set<(message: PushMessage) => void>();
  const connectionListeners = new Set<(connection: Connection) => void>();
  /** Sent, waiting for their reply. */
  const waiting = new Map<number, Waiting>();
  /** Made while not connected: sent on the next open. */
  const unsent: { message: ClientMessage; waiter: Waiting }[] = [];
  let socket: SocketLike | null = null;
  let connection: Connection = { state: 'connecting' };
  let nextId = 1;
  let retryMs = firstRetryMs;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  const setConnection = (next: Connection) => {
    connection = next;
    for (const listener of [...connectionListeners]) listener(next);
  };

  const transmit = (message: ClientMessage, waiter: Waiting) => {
    waiting.set(message.id, waiter);
    socket?.send(JSON.stringify(message));
  };

  const receive = (data: unknown) => {
    let message: ServerMessage;
    try {
      message = JSON.parse(String(data)) as ServerMessage;
    } catch {
      return;
    }
    if ('push' in message) {
      for (const listener of [...pushListeners]) listener(message.push);
      return;
    }
    if (message.id === null) return;
    const waiter = waiting.get(message.id);
    if (!waiter) return;
    waiting.delete(message.id);
    waiter.resolve(message.reply);
  };

  const connect = () => {
    retryTimer = null;
    setConnection({ state: 'connecting' });
    const current = open(options.url);
    socket = current;
    current.addEventListener('open', () => {
      if (socket !== current) return;
      retryMs = firstRetryMs;
      setConnection({ state: 'open' });
      for (const { message, waiter } of unsent.splice(0)) transmit(message, waiter);
    });
    current.addEventListener('message', (event) => {
      if (socket === current) receive((event as { data: unknown }).data);
    });
    current.addEventListener('close', () => {
      if (socket !== current) return;
      socket = null;
      const lost = new ApiRequestError({
        code: 'unavailable',
        message: 'the connection to runwatch closed before the reply came',
      });
      for (const waiter of waiting.values()) waiter.reject(lost);
      waiting.clear();
      if (closed) return;
      setConnection({ state: 'closed', retry_at: Date.now() + retryMs });
      retryTimer = setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, maxRetryMs);
    });
  };

  const send = (request: { name: RequestName; params: unknown }) =>
    new Promise<unknown>((resolve, reject) => {
      if (closed) {
        reject(new ApiRequestError({ code: 'unavailable', message: 'the client is closed' }));
        return;
      }
      const message: ClientMessage = { id: nextId++, request };
      const waiter = { resolve, reject };
      if (socket !== null && socket.readyState === OPEN) transmit(message, waiter);
      else unsent.push({ message, waiter });
    });

  connect();

  return {
    ...requestMethods(send),
    subscribe(listener) {
      pushListeners.add(listener);
      return () => {
        pushListeners.delete(listener);
      };
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(connection);
      return () => {
        connectionListeners.delete(listener);
      };
    },
    close() {
      closed = true;
      if (retryTimer !== null) clearTimeout(retryTimer);
      const gone = new ApiRequestError({ code: 'unavailable', message: 'the client is closed' });
      for (const { waiter } of unsent.splice(0)) waiter.reject(gone);
      socket?.close();
    },
  };
}
