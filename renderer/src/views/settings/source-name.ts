/**
 * A name for a source whose database was just chosen: the file's name without its extension,
 * kept to what a folder name allows on every OS, and made unique among the names `taken`.
 */
/** What Windows forbids in a folder name, besides the separators and control characters. */
const FORBIDDEN = '<>:"|?*';

export function suggestSourceName(dbPath: string, taken: readonly string[]): string {
  const file = dbPath.split(/[\\/]/).pop() ?? '';
  const stem = file.replace(/\.(db|sqlite3?|db3)$/i, '');
  const safe = [...stem].map((ch) => (ch < ' ' || FORBIDDEN.includes(ch) ? '-' : ch)).join('');
  const base = safe.replace(/^[\s.]+|[\s.]+$/g, '').slice(0, 56) || 'source';
  const names = new Set(taken);
  if (!names.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base}-${n}`;
    if (!names.has(candidate)) return candidate;
  }
}
