import { WebSocket, type RawData } from 'ws';
import type { ApiReply, PushMessage, RequestName, Snapshot } from '../../../shared/api.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import { FIRST_SCREEN_RUNS } from '../../../shared/first-screen.ts';
import type { ApiEndpoint } from '../api/api-endpoint.ts';
import type { Logger } from '../log.ts';
import type { ServerMessage } from '../../../shared/socket-protocol.ts';
import { readClientMessage } from './socket-protocol.ts';

/**
 * Unread bytes a browser may have waiting before it is sent no more patches or alerts: one that
 * reads slower than they come (a background tab, a slow link) is not buffered for without end.
 */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
/** How often a browser that fell behind is looked at, until it has read most of its backlog. */
const CATCH_UP_CHECK_MS = 100;

/**
 * One browser's `/api` socket: its requests go to the endpoint and their replies come back by
 * id; every pushed message reaches it until it closes. One that falls behind misses patches
 * until it has caught up, then gets a fresh snapshot (pushed, since it may see no gap in `seq`
 * for a long while). A bad message gets an error reply and the socket stays open.
 */
export function serveApiConnection(socket: WebSocket, endpoint: ApiEndpoint, log: Logger): void {
  /** Live; behind, waiting for the backlog to be read; or fetching the catch-up snapshot. */
  let pace: 'live' | 'behind' | 'resyncing' = 'live';
  let catchUpTimer: ReturnType<typeof setInterval> | null = null;
  const push = (message: PushMessage) => {
    if (message.type === 'patch' || message.type === 'alert') {
      if (pace !== 'live') return;
      if (socket.bufferedAmount > MAX_BUFFERED_BYTES) {
        log.debug('serve: a browser fell behind; it gets a fresh snapshot once it catches up');
        pace = 'behind';
        catchUpTimer = setInterval(resumeOnceCaughtUp, CATCH_UP_CHECK_MS);
        return;
      }
    }
    send({ push: message });
  };
  const resumeOnceCaughtUp = () => {
    if (socket.bufferedAmount > MAX_BUFFERED_BYTES / 4) return;
    stopCatchUpTimer();
    pace = 'resyncing';
    void answerApi(endpoint, { name: 'snapshot', params: { first: FIRST_SCREEN_RUNS } }, log).then(
      (reply) => {
        pace = 'live';
        if (reply.ok) send({ push: { type: 'snapshot', snapshot: reply.result as Snapshot } });
      },
    );
  };
  const stopCatchUpTimer = () => {
    if (catchUpTimer !== null) clearInterval(catchUpTimer);
    catchUpTimer = null;
  };
  const send = (message: ServerMessage) => {
    if (socket.readyState !== WebSocket.OPEN) return;
    try {
      socket.send(JSON.stringify(message));
    } catch (error) {
      log.error(`serve: could not send to a browser: ${errorMessage(error)}`);
    }
  };

  const unsubscribe = endpoint.subscribe(push);
  socket.on('close', () => {
    unsubscribe();
    stopCatchUpTimer();
  });
  socket.on('error', (error) => log.debug(`serve: a browser's socket failed: ${error.message}`));

  socket.on('message', (data, isBinary) => {
    const read = readClientMessage(isBinary ? null : text(data));
    if (!read.ok) {
      send({ id: read.id, reply: { ok: false, error: read.error } });
      return;
    }
    const { id, request } = read.message;
    void answerApi(endpoint, request, log).then((reply) => send({ id, reply }));
  });
}

/** The endpoint never throws by contract; should it, the browser still gets its answer. */
export async function answerApi(
  endpoint: ApiEndpoint,
  request: unknown,
  log: Logger,
): Promise<ApiReply<RequestName>> {
  try {
    return await endpoint.handle(request);
  } catch (error) {
    log.error(`serve: a request failed: ${errorMessage(error)}`);
    return { ok: false, error: { code: 'failed', message: 'the request failed' } };
  }
}

/** ws's default binary type ("nodebuffer") hands every message over as one Buffer. */
function text(data: RawData): string {
  return (data as Buffer).toString('utf8');
}
