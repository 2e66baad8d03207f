/**
 * Lists loaded a page at a time ("Load more"): the next page appended without repeating what is
 * shown, and how much to ask for when the list is loaded again with news.
 */

/** `shown` then the items of `page` not already in it (by key); a repeated item takes its newer form. */
export function mergePage<T>(
  shown: readonly T[],
  page: readonly T[],
  keyOf: (item: T) => string,
): T[] {
  const fresh = new Map(page.map((item) => [keyOf(item), item]));
  const merged = shown.map((item) => {
    const key = keyOf(item);
    const newer = fresh.get(key);
    if (newer === undefined) return item;
    fresh.delete(key);
    return newer;
  });
  return [...merged, ...fresh.values()];
}

/** The largest page the API gives (`limit` ≤ 500). */
export const MAX_PAGE = 500;

/**
 * How many items to ask for when a list is loaded again because something changed: at least a
 * page, and as many as are shown, so the pages already loaded with "Load more" stay on screen.
 */
export function reloadLimit(shown: number, pageSize: number, max = MAX_PAGE): number {
  return Math.min(max, Math.max(pageSize, shown));
}
