/**
 * A request target split as it arrived, before any decoding: the path (which must be
 * origin-form, `/…`) and its query. Null for anything else (`*`, an absolute URL).
 */
export function splitTarget(
  url: string | undefined,
): { path: string; query: URLSearchParams } | null {
  if (!url?.startsWith('/')) return null;
  const question = url.indexOf('?');
  if (question < 0) return { path: url, query: new URLSearchParams() };
  return { path: url.slice(0, question), query: new URLSearchParams(url.slice(question + 1)) };
}

/**
 * Where the token exchange sends the browser: the same path and query without the token. A
 * path a browser would read as another host (`//evil.example/`, `/\evil.example/`) goes to `/`.
 */
export function withoutToken(path: string, query: URLSearchParams): string {
  const rest = new URLSearchParams(query);
  rest.delete('token');
  const search = rest.size > 0 ? `?${rest.toString()}` : '';
  const safePath = /^\/[/\\]/.test(path) ? '/' : path;
  return `${safePath}${search}`;
}
