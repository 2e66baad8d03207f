/**
 * Headers on every response. Scripts, styles and connections come from this server only, the
 * page cannot be framed, and nothing is cached: the pages and downloads are behind a session
 * and show live state. `wsHost` is the request's `Host`, once it passed the host check: the
 * WebSocket is allowed at exactly the address the page was loaded from.
 */
export function securityHeaders(wsHost: string | null): Record<string, string> {
  const connect = wsHost ? `'self' ws://${wsHost}` : `'self'`;
  return {
    'Content-Security-Policy':
      `default-src 'self'; connect-src ${connect}; img-src 'self' data:; style-src 'self'; ` +
      `script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-store',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
  };
}
