import { useMemo, type ReactNode } from 'react';
import { useDashboard } from '../state/dashboard-store.ts';
import { filtersActive, NO_FILTERS, type Filters } from '../state/filters.ts';

const RUN_SEARCH = { placeholder: 'Search pipeline or run id', label: 'Search pipeline or run id' };

/**
 * Search and narrow by source, pipeline and status; the same filters hold in every list. `/`
 * moves to the search box from anywhere (see app.tsx). A view's own filters (`children`) sit in
 * the bar after the shared ones; `narrowed` says they narrow the list, and "Clear filters" then
 * clears them too, through `onClear`.
 */
export function FilterBar({
  status = false,
  pipeline = true,
  search = RUN_SEARCH,
  narrowed = false,
  onClear,
  children,
}: {
  /** Offers the active runs' status select. */
  status?: boolean;
  /**
   * Offers the pipeline select. Off for a list that is not of runs (the alert history): only the
   * search and the source narrow it then.
   */
  pipeline?: boolean;
  /** What the search box matches: its placeholder and its accessible name. */
  search?: { placeholder: string; label: string };
  /** The view's own filters narrow the list. */
  narrowed?: boolean;
  /** Clears the view's own filters, with the shared ones. */
  onClear?: () => void;
  children?: ReactNode;
}) {
  const filters = useDashboard((state) => state.filters);
  const setFilters = useDashboard((state) => state.setFilters);
  const sources = useDashboard((state) => state.snapshot?.sources);
  const runs = useDashboard((state) => state.snapshot?.runs);
  const pipelines = useMemo(
    () => [...new Set((runs ?? []).map((run) => run.pipeline))].sort(),
    [runs],
  );
  const pipelineChoices =
    filters.pipeline !== null && !pipelines.includes(filters.pipeline)
      ? [filters.pipeline, ...pipelines]
      : pipelines;
  const shared = pipeline
    ? filtersActive(filters)
    : filters.search.trim() !== '' || filters.source !== null;

  return (
    <div className="filter-bar" role="search">
      <input
        id="search"
        type="search"
        placeholder={`${search.placeholder}  ( / )`}
        aria-label={search.label}
        value={filters.search}
        onChange={(event) => setFilters({ search: event.target.value })}
      />
      {(sources?.length ?? 0) > 1 && (
        <select
          aria-label="Source"
          value={filters.source ?? ''}
          onChange={(event) => setFilters({ source: event.target.value || null })}
        >
          <option value="">All sources</option>
          {sources?.map((source) => (
            <option key={source.name} value={source.name}>
              {source.name}
            </option>
          ))}
        </select>
      )}
      {pipeline && (
        <select
          aria-label="Pipeline"
          value={filters.pipeline ?? ''}
          onChange={(event) => setFilters({ pipeline: event.target.value || null })}
        >
          <option value="">All pipelines</option>
          {pipelineChoices.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      )}
      {status && (
        <select
          aria-label="Status"
          value={filters.status}
          onChange={(event) => setFilters({ status: event.target.value as Filters['status'] })}
        >
          <option value="all">Any status</option>
          <option value="stuck">Stalled or overdue</option>
          <option value="progressing">Progressing</option>
        </select>
      )}
      {children}
      {(shared || narrowed) && (
        <button
          type="button"
          className="quiet"
          onClick={() => {
            setFilters(pipeline ? NO_FILTERS : { search: '', source: null });
            onClear?.();
          }}
        >
          Clear filters
        </button>
      )}
    </div>
  );
}
