/**
 * Webhook URLs carry their secret in the path or query (Slack's do), so error text names only
 * the host and port, and anything a server echoes back is scrubbed of the rest.
 */

const REDACTED = '[redacted]';

/** Path segments and query values this long are treated as secrets wherever they appear alone. */
const SECRET_PART_LENGTH = 8;

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function secretParts(url: URL): string[] {
  const whole = [url.href, url.search];
  if (url.pathname !== '/') whole.push(`${url.pathname}${url.search}`, url.pathname);
  const pieces = [url.username, url.password, ...url.searchParams.values()];
  for (const segment of url.pathname.split('/')) pieces.push(segment, safeDecode(segment));
  return [
    ...whole.filter((part) => part.length > 1),
    ...pieces.filter((part) => part.length >= SECRET_PART_LENGTH),
  ];
}

/** `text` with every secret part of `url` replaced, longest first so no fragment survives. */
export function scrubUrl(text: string, url: URL): string {
  const parts = [...new Set(secretParts(url))].sort((a, b) => b.length - a.length);
  let scrubbed = text;
  for (const part of parts) scrubbed = scrubbed.split(part).join(REDACTED);
  return scrubbed;
}
