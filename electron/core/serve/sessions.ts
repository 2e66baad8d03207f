import { matchesDigest, randomSecret, secretDigest } from './secrets.ts';

/** Each token exchange adds a session; past this many (browsers, retries) the oldest goes. */
const MAX_SESSIONS = 64;

/**
 * The browsers signed in with the token, each by a random session id in a cookie. Only digests
 * are kept and every one is compared in constant time. The cookie's name carries the port:
 * cookies do not tell ports apart, so two `serve`s on one machine would otherwise overwrite
 * each other's.
 */
export class Sessions {
  readonly cookieName: string;
  private readonly digests: Buffer[] = [];

  constructor(port: number) {
    this.cookieName = `runwatch_session_${port}`;
  }

  /** Opens a session and returns the `Set-Cookie` value that carries it. */
  open(): string {
    const id = randomSecret();
    this.digests.push(secretDigest(id));
    if (this.digests.length > MAX_SESSIONS) this.digests.shift();
    return `${this.cookieName}=${id}; HttpOnly; SameSite=Strict; Path=/`;
  }

  /** Whether a request's `Cookie` header carries a session this server opened. */
  signedIn(cookieHeader: string | undefined): boolean {
    let found = false;
    for (const value of cookieValues(cookieHeader, this.cookieName)) {
      if (matchesDigest(value, this.digests)) found = true;
    }
    return found;
  }
}

function cookieValues(header: string | undefined, name: string): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const pair of header.split(';')) {
    const equals = pair.indexOf('=');
    if (equals > 0 && pair.slice(0, equals).trim() === name)
      values.push(pair.slice(equals + 1).trim());
  }
  return values;
}
