import { WebSocket, type RawData } from 'ws';
import type { ApiReply, RequestName } from '../../../shared/api.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import type { ApiEndpoint } from '../api/api-endpoint.ts';
import type { Logger } from '../log.ts';
import { readClientMessage, type ServerMessage } from './socket-protocol.ts';

/**
 * One browser's `/api` socket: its requests go to the endpoint and their replies come back by
 * id; every pushed message reaches it until it closes. A bad message gets an error reply and
 * the socket stays open.
 */
export function serveApiConnection(socket: WebSocket, endpoint: ApiEndpoint, log: Logger): void {
  const send = (message: ServerMessage) => {
    if (socket.readyState !== WebSocket.OPEN) return;
    try {
      socket.send(JSON.stringify(message));
    } catch (error) {
      log.error(`serve: could not send to a browser: ${errorMessage(error)}`);
    }
  };

  const unsubscribe = endpoint.subscribe((push) => send({ push }));
  socket.on('close', unsubscribe);
  socket.on('error', (error) => log.debug(`serve: a browser's socket failed: ${error.message}`));

  socket.on('message', (data, isBinary) => {
    const read = readClientMessage(isBinary ? null : text(data));
    if (!read.ok) {
      send({ id: read.id, reply: { ok: false, error: read.error } });
      return;
    }
    const { id, request } = read.message;
    void answer(endpoint, request, log).then((reply) => send({ id, reply }));
  });
}

/** The endpoint never throws by contract; should it, the browser still gets its answer. */
async function answer(
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
