/**
 * The policy of every page the app shows: scripts, styles, images and fonts only from the app's
 * own origin, no plugins, no frames, no forms, no `<base>`. The dashboard talks to the main side
 * over IPC, so it needs no network either.
 */
export const APP_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');

export type ResponseHeaders = Record<string, string | string[]>;

/**
 * `headers` with the app's policy as the only Content-Security-Policy: a policy a response
 * brought with it, under any spelling of the name, is replaced, never merged.
 */
export function withAppCsp(headers: ResponseHeaders | undefined, csp = APP_CSP): ResponseHeaders {
  const kept = Object.entries(headers ?? {}).filter(
    ([name]) => name.toLowerCase() !== 'content-security-policy',
  );
  return { ...Object.fromEntries(kept), 'Content-Security-Policy': [csp] };
}
