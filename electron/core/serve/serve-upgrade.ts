import type http from 'node:http';
import type { Duplex } from 'node:stream';
import type { WebSocketServer } from 'ws';
import { SIGN_IN_TEXT, WRONG_HOST_TEXT, refuseUpgrade } from './plain-responses.ts';
import { securityHeaders } from './security-headers.ts';
import type { ServeContext } from './serve-requests.ts';
import { splitTarget } from './request-target.ts';

/**
 * A WebSocket upgrade becomes an `/api` socket only from this server's own page: the right
 * host, an `Origin` of this server (a page from another site may open sockets anywhere, and
 * would bring the cookie along), and a session.
 */
export function answerUpgrade(
  context: ServeContext,
  sockets: WebSocketServer,
  request: http.IncomingMessage,
  socket: Duplex,
  head: Buffer,
): void {
  socket.on('error', (error) => context.log.debug(`serve: an upgrade failed: ${error.message}`));
  const headers = securityHeaders(null);
  if (!context.hosts.acceptsHost(request.headers.host)) {
    return refuseUpgrade(socket, 421, WRONG_HOST_TEXT, headers);
  }
  if (!context.hosts.acceptsOrigin(request.headers.origin)) {
    context.log.debug(`serve: refused a WebSocket from origin ${request.headers.origin ?? 'none'}`);
    return refuseUpgrade(
      socket,
      403,
      'Runwatch takes WebSockets only from its own page.\n',
      headers,
    );
  }
  if (!context.sessions.signedIn(request.headers.cookie)) {
    return refuseUpgrade(socket, 401, SIGN_IN_TEXT, headers);
  }
  if (splitTarget(request.url)?.path !== '/api') {
    return refuseUpgrade(socket, 404, 'The API is at /api.\n', headers);
  }
  sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request));
}
