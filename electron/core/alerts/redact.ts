/** Replaces every secret in a text with `***`, longest first so a URL goes before its path. */
export function makeRedactor(secrets: readonly string[]): (text: string) => string {
  const ordered = [...new Set(secrets)]
    .filter((secret) => secret.length > 0)
    .sort((a, b) => b.length - a.length);
  return (text) => ordered.reduce((result, secret) => result.split(secret).join('***'), text);
}
