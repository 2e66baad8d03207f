/** A match value as written: exact, any of a list, `{ regex }` or `{ not }`. */
export type MatchValue =
  string | number | boolean | null | MatchValue[] | { regex: string } | { not: MatchValue };

export type MatchSpec = Record<string, MatchValue>;

type Test = (value: unknown) => boolean;

function scalarTest(expected: string | number | boolean | null): Test {
  if (expected === null) return (value) => value === null || value === undefined;
  const text = String(expected);
  return (value) =>
    value !== undefined &&
    value !== null &&
    (typeof value === typeof expected ? value === expected : String(value) === text);
}

/** Regexes match the whole value, as Alertmanager's do: `fail` does not match `failed`. */
export function compileRegex(source: string): RegExp {
  return new RegExp(`^(?:${source})$`, 'u');
}

function compileValue(expected: MatchValue): Test {
  if (Array.isArray(expected)) {
    const tests = expected.map(compileValue);
    return (value) => tests.some((test) => test(value));
  }
  if (expected !== null && typeof expected === 'object') {
    if ('regex' in expected) {
      const regex = compileRegex(expected.regex);
      return (value) => value !== undefined && value !== null && regex.test(String(value));
    }
    const inner = compileValue(expected.not);
    return (value) => !inner(value);
  }
  return scalarTest(expected);
}

/**
 * The values a matcher accepts when it is an exact string or a list of them, else null: a set
 * tested before the matcher itself, so most rules turn an event away with one lookup.
 */
export function exactStrings(expected: MatchValue | undefined): ReadonlySet<string> | null {
  const values = Array.isArray(expected) ? expected : [expected];
  if (!values.every((value) => typeof value === 'string')) return null;
  return new Set(values as string[]);
}

/** A predicate over event fields; `{}` matches every event. */
export function compileMatch(
  spec: MatchSpec,
): (event: Readonly<Record<string, unknown>>) => boolean {
  const tests = Object.entries(spec).map(([field, expected]) => {
    const test = compileValue(expected);
    return (event: Readonly<Record<string, unknown>>) => test(event[field]);
  });
  return (event) => tests.every((test) => test(event));
}

/**
 * Silences kept in state.db (added from the UI), compiled for matching. A row whose match no
 * longer compiles (kept before matches were checked on the way in) silences nothing: better an
 * alert too many than every alert stopped by one bad row.
 */
export function compileStoredSilences(
  rows: readonly { match: string; until: number }[],
): { matches: (event: Readonly<Record<string, unknown>>) => boolean; until: number }[] {
  return rows.flatMap((row) => {
    try {
      return [{ matches: compileMatch(JSON.parse(row.match) as MatchSpec), until: row.until }];
    } catch {
      return [];
    }
  });
}
