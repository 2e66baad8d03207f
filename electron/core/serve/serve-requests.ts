import type http from 'node:http';
import path from 'node:path';
import { FIRST_SCREEN_PATH, FIRST_SCREEN_RUNS } from '../../../shared/first-screen.ts';
import type { ApiEndpoint } from '../api/api-endpoint.ts';
import type { Logger } from '../log.ts';
import { answerApi } from './api-connection.ts';
import { contentType } from './content-types.ts';
import { attachmentHeader, type DownloadRegistry } from './download-registry.ts';
import { sendFile } from './file-response.ts';
import type { HostPolicy } from './host-policy.ts';
import { SIGN_IN_TEXT, WRONG_HOST_TEXT, sendText } from './plain-responses.ts';
import { splitTarget, withoutToken } from './request-target.ts';
import { matchesDigest } from './secrets.ts';
import { securityHeaders } from './security-headers.ts';
import type { Sessions } from './sessions.ts';
import { staticFile } from './static-path.ts';

/** For the build's assets, whose names change with their content. */
const ASSET_CACHE = 'private, max-age=31536000, immutable';
/**
 * On the page itself: the browser fetches the first screen of runs as it reads the page, beside
 * the page's code, and the page's script then finds it there (a `fetch` of the same URL).
 */
const PRELOAD_FIRST_SCREEN = `<${FIRST_SCREEN_PATH}>; rel=preload; as=fetch; crossorigin`;

/** What answering a request needs; fixed once the server listens. */
export interface ServeContext {
  hosts: HostPolicy;
  sessions: Sessions;
  tokenDigest: Buffer;
  /** The UI folder, as a real path. */
  root: string;
  downloads: DownloadRegistry;
  /** The API, for the first screen of runs that the page preloads. */
  endpoint: ApiEndpoint;
  log: Logger;
}

/**
 * Every plain HTTP request, in order: the host check, the token exchange, the session check,
 * then the first screen of runs, a download or a file of the UI.
 */
export async function answerRequest(
  context: ServeContext,
  request: http.IncomingMessage,
  response: http.ServerResponse,
): Promise<void> {
  const host = request.headers.host;
  const hostOk = context.hosts.acceptsHost(host);
  for (const [name, value] of Object.entries(securityHeaders(hostOk ? (host ?? null) : null))) {
    response.setHeader(name, value);
  }
  if (!hostOk) return sendText(response, 421, WRONG_HOST_TEXT);

  const target = splitTarget(request.url);
  if (!target) return sendText(response, 400, 'Bad request target.\n');

  const token = target.query.get('token');
  if (token !== null) {
    if (!matchesDigest(token, [context.tokenDigest])) {
      context.log.debug('serve: a request brought a wrong token');
      return sendText(response, 401, SIGN_IN_TEXT);
    }
    response.writeHead(303, {
      'Set-Cookie': context.sessions.open(),
      Location: withoutToken(target.path, target.query),
    });
    response.end();
    return;
  }

  if (!context.sessions.signedIn(request.headers.cookie)) {
    return sendText(response, 401, SIGN_IN_TEXT);
  }
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return sendText(response, 405, 'Only GET and HEAD.\n', { Allow: 'GET, HEAD' });
  }

  if (target.path === FIRST_SCREEN_PATH) return sendFirstScreen(context, response);

  const download = /^\/download\/([^/]+)\/([^/]+)$/.exec(target.path);
  if (download) {
    const found = context.downloads.find(download[1] ?? '', download[2] ?? '');
    const sent =
      found !== null &&
      (await sendFile(response, found.file, {
        'Content-Type': contentType(found.name),
        'Content-Disposition': attachmentHeader(found.name),
      }));
    if (!sent) sendText(response, 404, 'No such download.\n');
    return;
  }

  const file = await staticFile(context.root, target.path);
  // The build names each asset by a hash of its content: a page loaded again reuses it, and its
  // compiled code, rather than fetching and compiling it afresh.
  const extra: Record<string, string> = target.path.startsWith('/assets/')
    ? { 'Cache-Control': ASSET_CACHE }
    : file !== null && file === path.join(context.root, 'index.html')
      ? { Link: PRELOAD_FIRST_SCREEN }
      : {};
  const sent =
    file !== null &&
    (await sendFile(response, file, { 'Content-Type': contentType(file), ...extra }));
  if (!sent) sendText(response, 404, 'Not found.\n');
}

/** The `snapshot` reply with the first screen of runs, as JSON; 503 when it failed. */
async function sendFirstScreen(context: ServeContext, response: http.ServerResponse) {
  const reply = await answerApi(
    context.endpoint,
    { name: 'snapshot', params: { first: FIRST_SCREEN_RUNS } },
    context.log,
  );
  const body = Buffer.from(JSON.stringify(reply), 'utf8');
  response.writeHead(reply.ok ? 200 : 503, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(body.length),
  });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
