/**
 * The archive: finished runs newest first, with their outcome, how long they took, and their
 * verified zip and report — narrowed by the shared filters and by outcome.
 */
import { useState } from 'react';
import type { FinishedRunView } from '../../../shared/api.ts';
import type { Outcome } from '../../../shared/events.ts';
import { FilterBar } from '../app/filter-bar.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { LoadMore } from '../components/load-more.tsx';
import { RouteLink } from '../components/route-link.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TickingTime } from '../components/ticking-time.tsx';
import { usePaged } from '../components/use-paged.ts';
import { usePoll } from '../components/use-poll.ts';
import { durationText, localText } from '../format/time-text.ts';
import { outcomeTone } from '../format/status-tone.ts';
import { useApi, useDashboard } from '../state/dashboard-store.ts';
import { filtersActive } from '../state/filters.ts';
import { anyPending, filesVerb } from './run-files.ts';
import { ArchiveCell, ArchiveFolderButtons, RunFileButtons } from './run-files.tsx';
import { runRoute, runRowKey } from './run-row-key.ts';
import './finished.css';

const keyOf = (run: FinishedRunView) => `${run.source}/${run.run_id}@${run.attempt}`;

export function FinishedView() {
  const api = useApi();
  const filters = useDashboard((state) => state.filters);
  const finishedVersion = useDashboard((state) => state.finishedVersion);
  const sources = useDashboard((state) => state.snapshot?.sources);
  const transport = useDashboard((state) => state.snapshot?.transport ?? 'ipc');
  const [outcome, setOutcome] = useState<Outcome | ''>('');
  // While an archive is still being written, the list is asked again.
  const [poll, setPoll] = useState(0);
  const search = filters.search.trim();
  const query = {
    ...(filters.source === null ? {} : { source: filters.source }),
    ...(filters.pipeline === null ? {} : { pipeline: filters.pipeline }),
    ...(search === '' ? {} : { search }),
    ...(outcome === '' ? {} : { outcome }),
  };
  const list = usePaged((page) => api.finishedRuns({ ...query, ...page }), keyOf, {
    filters: [query],
    refresh: [finishedVersion, poll],
  });

  const pending = !list.loading && anyPending(list.items);
  usePoll(pending, poll, setPoll);

  const multiSource = (sources?.length ?? 0) > 1;
  const folderSources =
    filters.source !== null ? [filters.source] : (sources ?? []).map((source) => source.name);
  const narrowed = filtersActive(filters) || outcome !== '';

  return (
    <section className="finished-view" aria-labelledby="finished-title">
      <div className="ls-head">
        <h2 className="view-title" id="finished-title">
          Finished runs
          {!list.initial && (
            <small>
              {list.items.length}
              {list.more ? '+' : ''} shown
            </small>
          )}
        </h2>
        <ArchiveFolderButtons sources={folderSources} />
      </div>
      <FilterBar narrowed={outcome !== ''} onClear={() => setOutcome('')}>
        <select
          aria-label="Outcome"
          value={outcome}
          onChange={(event) => setOutcome(event.target.value as Outcome | '')}
        >
          <option value="">Any outcome</option>
          <option value="succeeded">Succeeded</option>
          <option value="failed">Failed</option>
          <option value="cancelled">Cancelled</option>
        </select>
      </FilterBar>
      {list.error !== null && (
        <p className="ls-error" role="alert">
          Could not load the finished runs: {list.error}
        </p>
      )}
      <div className="panel">
        {list.initial ? (
          <p className="loading" role="status">
            Loading finished runs…
          </p>
        ) : list.items.length === 0 ? (
          <EmptyState title={narrowed ? 'No finished runs match' : 'No finished runs yet'}>
            <p>
              {narrowed
                ? 'Clear the filters to see every finished run.'
                : 'Runs appear here, with their zip and report, as soon as they finish.'}
            </p>
          </EmptyState>
        ) : (
          <div className="ls-scroll">
            <table
              className="table finished-table"
              aria-label="Finished runs"
              aria-busy={list.loading}
            >
              <thead>
                <tr>
                  <th scope="col">Outcome</th>
                  {multiSource && <th scope="col">Source</th>}
                  <th scope="col">Run</th>
                  <th scope="col">Finished</th>
                  <th scope="col" className="ls-num">
                    Duration
                  </th>
                  <th scope="col">Archive</th>
                  <th scope="col">{filesVerb(transport)}</th>
                </tr>
              </thead>
              <tbody>
                {list.items.map((run) => (
                  <FinishedRow key={keyOf(run)} run={run} multiSource={multiSource} />
                ))}
              </tbody>
            </table>
          </div>
        )}
        <LoadMore list={list} />
      </div>
    </section>
  );
}

function FinishedRow({ run, multiSource }: { run: FinishedRunView; multiSource: boolean }) {
  const route = runRoute(run);
  return (
    <tr data-run-key={runRowKey(run)} data-attempt={run.attempt}>
      <td>
        <span
          title={`${run.steps_total} steps${run.steps_failed > 0 ? `, ${run.steps_failed} failed` : ''}`}
        >
          <StatusBadge tone={outcomeTone(run.outcome)}>{run.outcome}</StatusBadge>
        </span>
        {run.steps_failed > 0 && (
          <span className="visually-hidden">
            , {run.steps_failed} of {run.steps_total} steps failed
          </span>
        )}
      </td>
      {multiSource && <td>{run.source}</td>}
      <td className="fin-run">
        <RouteLink route={route} className="mono">
          {run.run_id}
        </RouteLink>
        {run.attempt > 1 && <span className="tag run-attempt">attempt {run.attempt}</span>}
        <span className="fin-pipeline">
          <span className="visually-hidden">pipeline </span>
          {run.pipeline || '–'}
        </span>
      </td>
      <td className="fin-time" title={localText(run.finished_at)}>
        {run.finished_at === null ? (
          <span className="muted">–</span>
        ) : (
          <TickingTime iso={run.finished_at} />
        )}
      </td>
      <td className="ls-num">{durationText(run.duration_s)}</td>
      <td>
        <ArchiveCell run={run} />
      </td>
      <td>
        <RunFileButtons run={run} compact />
      </td>
    </tr>
  );
}
