import http from 'node:http';
import type { Duplex } from 'node:stream';

/** What a browser without a session sees: the way in is the printed URL, nothing else. */
export const SIGN_IN_TEXT =
  'This browser is not signed in to Runwatch.\n\n' +
  'Open the URL that `runwatch serve` printed when it started (http://HOST:PORT/?token=...).\n' +
  'It signs this browser in for as long as that server runs.\n';

export const WRONG_HOST_TEXT =
  'Runwatch answers only at the address it listens on.\n' +
  'Open the URL that `runwatch serve` printed.\n';

/** A short plain-text answer; the security headers are already on the response. */
export function sendText(
  response: http.ServerResponse,
  status: number,
  text: string,
  headers: Record<string, string> = {},
): void {
  const body = Buffer.from(text, 'utf8');
  response.writeHead(status, {
    ...headers,
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(body.length),
  });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}

/** Turns down a WebSocket upgrade with a plain HTTP answer and closes the connection. */
export function refuseUpgrade(
  socket: Duplex,
  status: number,
  text: string,
  headers: Record<string, string>,
): void {
  const body = Buffer.from(text, 'utf8');
  const lines = [
    `HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? ''}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${body.length}`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]));
}
