/**
 * Webhook headers as alerts.yaml and the settings window give them: a name must be an HTTP token
 * (RFC 9110), a value one line, or every delivery through the channel would fail when sent.
 */

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Why a header name cannot be sent, or null. */
export function headerNameProblem(name: string): string | null {
  if (name === '') return 'a header needs a name';
  if (!TOKEN.test(name)) {
    return 'a header name is letters, digits and - only (no spaces, colons or quotes)';
  }
  return null;
}

/** Why a header value cannot be sent, or null. */
export function headerValueProblem(value: string): string | null {
  return /[\r\n\0]/.test(value) ? 'a header value is one line, without line breaks' : null;
}

/** The second and later names of each set that differ only in case: HTTP reads them as one. */
export function repeatedHeaderNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.filter((name) => {
    const key = name.toLowerCase();
    if (seen.has(key)) return true;
    seen.add(key);
    return false;
  });
}
