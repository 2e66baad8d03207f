/**
 * Globs over pipeline names, as `pipelines:` keys in alerts.yaml and the settings window's
 * per-pipeline overrides write them: `*` any run of characters, `?` one, `[abc]` or `[a-z]` one
 * of a set, `[!a-z]` (or `[^a-z]`) one not in it. `[*]` matches a `*` itself; a `]` first in a
 * set is one of its characters.
 */

type Parsed = { ok: true; source: string } | { ok: false; problem: string };

/** A character of a set, escaped for a RegExp class in `u` mode. */
function classChar(ch: string): string {
  return /[\\\]^[-]/.test(ch) ? `\\${ch}` : ch;
}

/** The set opening at `start` (a `[`), as a RegExp class, and where it ends. */
function parseSet(
  chars: readonly string[],
  start: number,
): { ok: true; source: string; end: number } | { ok: false; problem: string } {
  let index = start + 1;
  const negated = chars[index] === '!' || chars[index] === '^';
  if (negated) index++;
  const first = index;
  let body = '';
  while (index < chars.length && (chars[index] !== ']' || index === first)) {
    const from = chars[index] as string;
    const to = chars[index + 2];
    if (chars[index + 1] === '-' && to !== undefined && to !== ']') {
      if ((from.codePointAt(0) as number) > (to.codePointAt(0) as number)) {
        return {
          ok: false,
          problem: `the range ${from}-${to} at character ${index + 1} is backwards: write ${to}-${from}`,
        };
      }
      body += `${classChar(from)}-${classChar(to)}`;
      index += 3;
      continue;
    }
    body += classChar(from);
    index++;
  }
  if (index >= chars.length) {
    return {
      ok: false,
      problem: `the [ at character ${start + 1} is never closed: end the set with ], or write [[] for a [ itself`,
    };
  }
  return { ok: true, source: `[${negated ? '^' : ''}${body}]`, end: index };
}

function parse(glob: string): Parsed {
  const chars = [...glob];
  let source = '';
  for (let index = 0; index < chars.length; index++) {
    const ch = chars[index] as string;
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else if (ch === '[') {
      const set = parseSet(chars, index);
      if (!set.ok) return set;
      source += set.source;
      index = set.end;
    } else source += ch.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return { ok: true, source };
}

/** Why a glob cannot be used (an unclosed `[`, a backwards range), or null. */
export function globProblem(glob: string): string | null {
  const parsed = parse(glob);
  return parsed.ok ? null : parsed.problem;
}

/** The glob as a RegExp over a whole name; throws with `globProblem`'s words on a bad glob. */
export function globToRegExp(glob: string): RegExp {
  const parsed = parse(glob);
  if (!parsed.ok) throw new Error(`bad pipeline glob ${JSON.stringify(glob)}: ${parsed.problem}`);
  return new RegExp(`^${parsed.source}$`, 'su');
}
