import fs from 'node:fs';
import { contentType } from '../serve/content-types.ts';
import { staticFile } from '../serve/static-path.ts';
import { APP_HOST } from './app-url.ts';
import { APP_CSP } from './content-security-policy.ts';

function refused(status: number, text: string): Response {
  return new Response(text, {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Security-Policy': APP_CSP },
  });
}

/**
 * The answer to a request for `app://runwatch/…`: a file of the UI folder `root` (a real path),
 * with its type and the app's policy. Only reads of files inside `root` are answered: `..`,
 * encoded separators, hidden names and symlinks that lead out are refused as not found, the
 * way `runwatch serve` refuses them.
 */
export async function appResponse(
  request: { url: string; method: string },
  root: string,
): Promise<Response> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return refused(400, 'bad request');
  }
  if (url.host !== APP_HOST) return refused(404, 'not found');
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return refused(405, 'method not allowed');
  }
  const file = await staticFile(root, url.pathname);
  const body = file === null ? null : await fs.promises.readFile(file).catch(() => null);
  if (file === null || body === null) return refused(404, 'not found');
  return new Response(request.method === 'HEAD' ? null : body, {
    status: 200,
    headers: {
      'Content-Type': contentType(file),
      'Content-Security-Policy': APP_CSP,
      'X-Content-Type-Options': 'nosniff',
    },
  });
}
