import { isStuck } from '../../../shared/active-run-order.ts';
import type { ActiveRunStatus } from '../../../shared/run-status.ts';

/** What the lists are narrowed to; the same filters hold across views. */
export interface Filters {
  /** Matched, case-insensitively, against the pipeline and the run id. */
  search: string;
  source: string | null;
  pipeline: string | null;
  /** Of active runs: every one, only those stalled or overdue, or only those progressing. */
  status: 'all' | 'stuck' | 'progressing';
}

export const NO_FILTERS: Filters = { search: '', source: null, pipeline: null, status: 'all' };

export function matchesText(search: string, ...fields: string[]): boolean {
  const needle = search.trim().toLowerCase();
  return needle === '' || fields.some((field) => field.toLowerCase().includes(needle));
}

export function matchesRun(filters: Filters, run: ActiveRunStatus): boolean {
  if (filters.source !== null && run.source !== filters.source) return false;
  if (filters.pipeline !== null && run.pipeline !== filters.pipeline) return false;
  if (filters.status === 'stuck' && !isStuck(run)) return false;
  if (filters.status === 'progressing' && isStuck(run)) return false;
  return matchesText(filters.search, run.pipeline, run.run_id);
}

export function filtersActive(filters: Filters): boolean {
  return (
    filters.search.trim() !== '' ||
    filters.source !== null ||
    filters.pipeline !== null ||
    filters.status !== 'all'
  );
}
