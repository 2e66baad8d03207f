import type { WebSocket, WebSocketServer } from 'ws';

/**
 * Pings every socket each `intervalMs` and drops one that has not answered the previous ping:
 * a laptop that slept or a network that vanished leaves no close behind, only silence.
 * Returns the stop.
 */
export function keepAlive(server: WebSocketServer, intervalMs: number): () => void {
  const answered = new WeakSet<WebSocket>();
  server.on('connection', (socket: WebSocket) => {
    answered.add(socket);
    socket.on('pong', () => answered.add(socket));
  });
  const timer = setInterval(() => {
    for (const socket of server.clients) {
      if (!answered.has(socket)) {
        socket.terminate();
        continue;
      }
      answered.delete(socket);
      socket.ping();
    }
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}
