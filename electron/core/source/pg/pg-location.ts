/**
 * A PostgreSQL source as given (`postgresql://…` or `postgres://…`, libpq's URL forms): the URL
 * to connect with, and the forms that may be shown or stored, where the password never appears.
 */

const SCHEMES = /^postgres(?:ql)?:\/\//i;

/** Query parameters whose values are secrets. */
const SECRET_PARAMS = new Set(['password', 'sslpassword']);

export const MASK = '••••';

export function isPostgresUrl(text: string): boolean {
  return SCHEMES.test(text.trim());
}

/** A URL to connect with: the one given, with a password kept apart (settings') put in it. */
export function withPassword(url: string, password: string | undefined): string {
  if (!password) return url;
  const withIt = new URL(url.trim());
  withIt.password = password;
  return withIt.href;
}

/** A source's location as it may be shown: a file's path, or a URL with its password masked. */
export function shownLocation(location: string): string {
  return isPostgresUrl(location) ? pgLocation(location).display : location;
}

export interface PgLocation {
  /** The URL to connect with, password included: never logged, shown or stored. */
  url: string;
  /** What messages, `status`, the API and the UI show: `postgresql://user:••••@host/db`. */
  display: string;
  /** The URL without its password: what names this source's data dir. */
  identity: string;
  /** The database's name (the source's name in events), or the user's when none is given. */
  database: string;
}

function parse(text: string): URL {
  try {
    // WHATWG URLs read any scheme's user, password, host, path and query alike.
    return new URL(text.trim());
  } catch {
    throw new Error(`not a PostgreSQL URL: ${maskText(text)}`);
  }
}

function withoutSecrets(url: URL, mask: string | null): string {
  const copy = new URL(url.href);
  if (copy.password !== '') copy.password = mask ?? '';
  for (const name of [...copy.searchParams.keys()]) {
    if (!SECRET_PARAMS.has(name.toLowerCase())) continue;
    if (mask === null) copy.searchParams.delete(name);
    else copy.searchParams.set(name, mask);
  }
  // URLSearchParams encodes the mask; it reads better as itself.
  return copy.href.replaceAll(encodeURIComponent(MASK), MASK);
}

export function pgLocation(text: string): PgLocation {
  const url = parse(text);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  return {
    url: text.trim(),
    display: withoutSecrets(url, MASK),
    identity: withoutSecrets(url, null),
    database: database || decodeURIComponent(url.username) || 'postgres',
  };
}

/**
 * Any PostgreSQL URL in a text with its password masked: for messages that may quote one (a
 * driver's error, a URL that failed to parse).
 */
export function maskText(text: string): string {
  return text
    .replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)[^@\s]*@/gi, `$1${MASK}@`)
    .replace(/([?&](?:ssl)?password=)[^&\s]*/gi, `$1${MASK}`);
}
