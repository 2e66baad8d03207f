import type { Page } from '../../../shared/api.ts';

/** One source's page: its items newest first, and where a page ending at each would resume. */
export interface SourcePage<T> {
  items: T[];
  cursors: string[];
  /** Where the next page resumes when none of these items is shown (a filter took them all); null at the end. */
  resume: string | null;
}

/** Where each source's list resumes; null once a source has nothing more. */
type Cursor = Record<string, string | null>;

function parseCursor(text: string | undefined): Cursor {
  if (text === undefined) return {};
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return {};
    return Object.fromEntries(
      Object.entries(value).filter(
        ([, position]) => position === null || typeof position === 'string',
      ),
    ) as Cursor;
  } catch {
    return {};
  }
}

/**
 * One page of a list kept per source, newest first across all of them: each source is read
 * from where the previous page left it, and the page's cursor says where that is for each.
 */
export function mergedPage<T>(
  sources: readonly { name: string; read: (before: string | undefined) => SourcePage<T> }[],
  before: string | undefined,
  limit: number,
  newerFirst: (a: T, b: T) => number,
): Page<T> {
  const cursor = parseCursor(before);
  const resumes = new Map<string, string | null>();
  const candidates = sources
    .filter((source) => cursor[source.name] !== null)
    .flatMap((source) => {
      const page = source.read(cursor[source.name] ?? undefined);
      resumes.set(source.name, page.resume);
      return page.items.map((item, index) => ({
        source: source.name,
        item,
        position: page.cursors[index] as string,
        lastOfSource: index === page.items.length - 1 && page.resume === null,
      }));
    });
  candidates.sort((a, b) => newerFirst(a.item, b.item) || a.source.localeCompare(b.source));
  const shown = candidates.slice(0, limit);
  const next: Cursor = { ...cursor };
  for (const source of sources) {
    if (next[source.name] === null) continue;
    const last = shown.filter((candidate) => candidate.source === source.name).at(-1);
    if (last) next[source.name] = last.lastOfSource ? null : last.position;
    else if (!candidates.some((candidate) => candidate.source === source.name)) {
      next[source.name] = resumes.get(source.name) ?? null;
    }
  }
  const more = sources.some((source) => next[source.name] !== null);
  return {
    items: shown.map((candidate) => candidate.item),
    next: more ? JSON.stringify(next) : null,
  };
}
