/**
 * A list loaded a page at a time, newest first (finished runs, alert history): "Load more"
 * appends the next page; news (a store version bump) loads it again as far as it was shown;
 * a filter change starts it over from the first page.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Page } from '../../../shared/api.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import { mergePage, reloadLimit } from '../format/page-merge.ts';

export interface Paged<T> {
  items: T[];
  /** More to load. */
  more: boolean;
  /** Nothing has arrived yet. */
  initial: boolean;
  /** A reload for new filters or news is on its way (what is shown stays meanwhile). */
  loading: boolean;
  loadingMore: boolean;
  error: string | null;
  loadMore(): void;
}

interface Loaded<T> {
  filters: string;
  refresh: string;
  items: T[];
  next: string | null;
  error: string | null;
}

export function usePaged<T>(
  load: (page: { before?: string; limit: number }) => Promise<Page<T>>,
  keyOf: (item: T) => string,
  deps: { filters: readonly unknown[]; refresh: readonly unknown[] },
  pageSize = 50,
): Paged<T> {
  const filters = JSON.stringify(deps.filters);
  const refresh = JSON.stringify(deps.refresh);
  const [loaded, setLoaded] = useState<Loaded<T> | null>(null);
  const [loadingMore, setLoadingMore] = useState(false);
  const generation = useRef(0);
  const shown = useRef<{ filters: string; count: number } | null>(null);
  const latest = useRef({ load, keyOf });
  useEffect(() => {
    latest.current = { load, keyOf };
    shown.current =
      loaded === null ? null : { filters: loaded.filters, count: loaded.items.length };
  });

  useEffect(() => {
    const current = ++generation.current;
    const previous = shown.current;
    const limit =
      previous !== null && previous.filters === filters
        ? reloadLimit(previous.count, pageSize)
        : pageSize;
    latest.current.load({ limit }).then(
      (page) => {
        if (current !== generation.current) return;
        setLoaded({ filters, refresh, items: page.items, next: page.next, error: null });
        setLoadingMore(false);
      },
      (error: unknown) => {
        if (current !== generation.current) return;
        setLoaded((before) => ({
          filters,
          refresh,
          items: before?.filters === filters ? before.items : [],
          next: before?.filters === filters ? before.next : null,
          error: errorMessage(error),
        }));
      },
    );
  }, [filters, refresh, pageSize]);

  const next = loaded?.next ?? null;
  const loadMore = useCallback(() => {
    if (next === null) return;
    const current = generation.current;
    setLoadingMore(true);
    latest.current.load({ before: next, limit: pageSize }).then(
      (page) => {
        if (current !== generation.current) return;
        setLoaded((before) =>
          before === null
            ? before
            : {
                ...before,
                items: mergePage(before.items, page.items, latest.current.keyOf),
                next: page.next,
                error: null,
              },
        );
        setLoadingMore(false);
      },
      (error: unknown) => {
        if (current !== generation.current) return;
        setLoaded((before) =>
          before === null ? before : { ...before, error: errorMessage(error) },
        );
        setLoadingMore(false);
      },
    );
  }, [next, pageSize]);

  return {
    items: loaded?.items ?? [],
    more: next !== null,
    initial: loaded === null,
    loading: loaded === null || loaded.filters !== filters || loaded.refresh !== refresh,
    loadingMore,
    error: loaded?.error ?? null,
    loadMore,
  };
}
