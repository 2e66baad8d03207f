/**
 * Every pipeline with its recent runs' durations at a glance — a run that took twice as long as
 * usual stands out — and one pipeline in focus with a bigger chart and its runs.
 */
import { useMemo } from 'react';
import type { PipelineRun } from '../../../shared/api.ts';
import { FilterBar } from '../app/filter-bar.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { RouteLink } from '../components/route-link.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TickingTime } from '../components/ticking-time.tsx';
import { useRequest } from '../components/use-request.ts';
import { durationText, localText } from '../format/time-text.ts';
import { outcomeTone } from '../format/status-tone.ts';
import { useApi, useDashboard } from '../state/dashboard-store.ts';
import { matchesText } from '../state/filters.ts';
import type { Route } from '../state/route.ts';
import type { ActiveRunStatus } from '../../../shared/run-status.ts';
import { DurationChart, chartSummary } from './duration-chart.tsx';
import { durationStats, OUTLIER_RATIO, type DurationStats } from './duration-chart-stats.ts';
import { listPipelines, pipelineKey, type PipelineEntry } from './pipelines-list.ts';
import { runRowKey } from './run-row-key.ts';
import './pipelines.css';

/** Runs charted per pipeline. */
const HISTORY = 30;
/** Finished runs read to find the pipelines (the API's largest page). */
const DISCOVER = 500;
const NO_RUNS: ActiveRunStatus[] = [];

type PipelinesRoute = Extract<Route, { view: 'pipelines' }>;

export function PipelinesView({ route }: { route: PipelinesRoute }) {
  return route.source !== undefined && route.pipeline !== undefined ? (
    <PipelineFocus
      key={`${route.source}/${route.pipeline}`}
      source={route.source}
      pipeline={route.pipeline}
    />
  ) : (
    <PipelineList />
  );
}

function PipelineList() {
  const api = useApi();
  const filters = useDashboard((state) => state.filters);
  const finishedVersion = useDashboard((state) => state.finishedVersion);
  const runs = useDashboard((state) => state.snapshot?.runs ?? NO_RUNS);
  const multiSource = useDashboard((state) => (state.snapshot?.sources.length ?? 0) > 1);
  const finished = useRequest(
    () =>
      api.finishedRuns({
        limit: DISCOVER,
        ...(filters.source === null ? {} : { source: filters.source }),
      }),
    [filters.source, finishedVersion],
  );
  const entries = useMemo(
    () =>
      listPipelines(runs, finished.value?.items ?? []).filter(
        (entry) =>
          (filters.source === null || entry.source === filters.source) &&
          (filters.pipeline === null || entry.pipeline === filters.pipeline) &&
          matchesText(filters.search, entry.pipeline),
      ),
    [runs, finished.value, filters],
  );

  return (
    <section className="pl-view" aria-labelledby="pipelines-title">
      <h2 className="view-title" id="pipelines-title">
        Pipelines
        {finished.state !== 'loading' && <small>{entries.length} shown</small>}
      </h2>
      <FilterBar />
      {finished.state === 'failed' && (
        <p className="ls-error" role="alert">
          Could not load the finished runs: {finished.error}
        </p>
      )}
      {finished.value === null ? (
        <p className="loading" role="status">
          Loading pipelines…
        </p>
      ) : entries.length === 0 ? (
        <div className="panel">
          <EmptyState title="No pipelines to show">
            <p>
              Pipelines appear here once one of their runs is seen, with the durations of their last{' '}
              {HISTORY} runs.
            </p>
          </EmptyState>
        </div>
      ) : (
        <ul className="pl-grid" aria-label="Pipelines">
          {entries.map((entry) => (
            <li key={pipelineKey(entry)}>
              <PipelineCard entry={entry} multiSource={multiSource} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function PipelineCard({ entry, multiSource }: { entry: PipelineEntry; multiSource: boolean }) {
  const api = useApi();
  const finishedVersion = useDashboard((state) => state.finishedVersion);
  const history = useRequest(
    () => api.pipelineHistory({ source: entry.source, pipeline: entry.pipeline, limit: HISTORY }),
    [entry.source, entry.pipeline, finishedVersion],
  );
  const stats = useMemo(() => durationStats(history.value ?? []), [history.value]);
  const last = history.value?.[0];
  const focus = { view: 'pipelines', source: entry.source, pipeline: entry.pipeline } as const;
  const headingId = `pl-${pipelineKey(entry)}`.replace(/[^\w-]/g, '_');
  return (
    <article className="panel pl-card" aria-labelledby={headingId}>
      <header className="pl-card-head">
        <h3 id={headingId}>
          <RouteLink route={focus}>{entry.pipeline || '(no pipeline)'}</RouteLink>
        </h3>
        {multiSource && <span className="muted pl-source">{entry.source}</span>}
        {last !== undefined && (
          <span className="pl-last">
            <span className="visually-hidden">Last run </span>
            <StatusBadge tone={outcomeTone(last.outcome)}>{last.outcome}</StatusBadge>
          </span>
        )}
      </header>
      <div className="pl-card-chart">
        {history.value === null ? (
          <p className="muted pl-chart-empty">
            {history.state === 'failed' ? `Could not load: ${history.error}` : 'Loading…'}
          </p>
        ) : history.value.length === 0 ? (
          <p className="muted pl-chart-empty">No finished runs yet.</p>
        ) : (
          <DurationChart source={entry.source} pipeline={entry.pipeline} stats={stats} />
        )}
      </div>
      <footer className="pl-card-foot">
        <Facts stats={stats} active={entry.active} />
        {last?.finished_at != null && (
          <p className="pl-when">
            last finished <TickingTime iso={last.finished_at} />
          </p>
        )}
      </footer>
    </article>
  );
}

function Facts({ stats, active }: { stats: DurationStats; active: number }) {
  const total = stats.runs.length;
  return (
    <ul className="pl-facts">
      {stats.median_s !== null && (
        <li>
          median <strong>{durationText(stats.median_s)}</strong>
        </li>
      )}
      {total > 0 && (
        <li>
          <strong>
            {stats.succeeded}/{total}
          </strong>{' '}
          succeeded
        </li>
      )}
      {stats.outliers > 0 && (
        <li className="pl-fact--slow">
          <strong>{stats.outliers}</strong> slow (&gt;{OUTLIER_RATIO}× median)
        </li>
      )}
      {active > 0 && (
        <li className="pl-fact--active">
          <strong>{active}</strong> running now
        </li>
      )}
    </ul>
  );
}

function PipelineFocus({ source, pipeline }: { source: string; pipeline: string }) {
  const api = useApi();
  const finishedVersion = useDashboard((state) => state.finishedVersion);
  const runs = useDashboard((state) => state.snapshot?.runs ?? NO_RUNS);
  const multiSource = useDashboard((state) => (state.snapshot?.sources.length ?? 0) > 1);
  const active = useMemo(
    () => runs.filter((run) => run.source === source && run.pipeline === pipeline),
    [runs, source, pipeline],
  );
  const history = useRequest(
    () => api.pipelineHistory({ source, pipeline, limit: HISTORY }),
    [source, pipeline, finishedVersion],
  );
  const stats = useMemo(() => durationStats(history.value ?? []), [history.value]);
  const newestFirst = useMemo(() => [...stats.runs].reverse(), [stats]);

  return (
    <section className="pl-view pl-focus" aria-labelledby="pipeline-title">
      <p className="pl-back">
        <RouteLink route={{ view: 'pipelines' }}>← All pipelines</RouteLink>
      </p>
      <h2 className="view-title" id="pipeline-title">
        {pipeline}
        {multiSource && <small>{source}</small>}
        <small>last {stats.runs.length} finished runs</small>
      </h2>
      {history.state === 'failed' && (
        <p className="ls-error" role="alert">
          Could not load the runs of {pipeline}: {history.error}
        </p>
      )}
      {active.length > 0 && (
        <div className="panel pl-active">
          <h2>Running now</h2>
          <ul>
            {active.map((run) => (
              <li key={run.run_id}>
                <RouteLink
                  route={{ view: 'run', source: run.source, run_id: run.run_id }}
                  className="mono"
                >
                  {run.run_id}
                </RouteLink>{' '}
                <StatusBadge
                  tone={
                    run.stalled_since !== null
                      ? 'stalled'
                      : run.overdue_since !== null
                        ? 'overdue'
                        : 'running'
                  }
                >
                  {run.stalled_since !== null
                    ? 'stalled'
                    : run.overdue_since !== null
                      ? 'overdue'
                      : run.status}
                </StatusBadge>{' '}
                <span className="muted">
                  step {Math.min(run.steps_done + 1, run.steps_total)} of {run.steps_total}
                  {run.current_step !== null && <> · {run.current_step}</>}
                  {run.started_at !== null && (
                    <>
                      {' '}
                      · for <TickingTime iso={run.started_at} format="since" />
                    </>
                  )}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="panel">
        <h2>Durations</h2>
        <div className="pl-focus-chart">
          {history.value === null ? (
            <p className="loading" role="status">
              Loading runs…
            </p>
          ) : history.value.length === 0 ? (
            <EmptyState title="No finished runs yet">
              <p>The chart fills in as runs of {pipeline} finish.</p>
            </EmptyState>
          ) : (
            <>
              <Facts stats={stats} active={active.length} />
              <DurationChart source={source} pipeline={pipeline} stats={stats} size="large" />
              <p className="visually-hidden">{chartSummary(pipeline, stats)}</p>
              <Legend />
            </>
          )}
        </div>
      </div>
      {newestFirst.length > 0 && (
        <div className="panel">
          <h2>Runs</h2>
          <div className="ls-scroll">
            <table className="table pl-table" aria-label={`Runs of ${pipeline}`}>
              <thead>
                <tr>
                  <th scope="col">Outcome</th>
                  <th scope="col">Run</th>
                  <th scope="col">Started</th>
                  <th scope="col">Finished</th>
                  <th scope="col" className="ls-num">
                    Duration
                  </th>
                  <th scope="col" className="ls-num">
                    vs median
                  </th>
                </tr>
              </thead>
              <tbody>
                {newestFirst.map(({ run, ratio, outlier }) => (
                  <RunRow
                    key={`${run.run_id}@${run.attempt}`}
                    source={source}
                    run={run}
                    ratio={ratio}
                    outlier={outlier}
                  />
                ))}
              </tbody>
            </table>
          </div>
        </div>
      )}
    </section>
  );
}

function RunRow({
  source,
  run,
  ratio,
  outlier,
}: {
  source: string;
  run: PipelineRun;
  ratio: number | null;
  outlier: boolean;
}) {
  return (
    <tr
      data-run-key={runRowKey({ source, run_id: run.run_id })}
      className={outlier ? 'pl-row--slow' : undefined}
    >
      <td>
        <StatusBadge tone={outcomeTone(run.outcome)}>{run.outcome}</StatusBadge>
      </td>
      <td>
        <RouteLink
          route={{ view: 'run', source, run_id: run.run_id, attempt: run.attempt }}
          className="mono"
        >
          {run.run_id}
        </RouteLink>
        {run.attempt > 1 && <span className="tag run-attempt">attempt {run.attempt}</span>}
      </td>
      <td className="pl-time">{localText(run.started_at)}</td>
      <td className="pl-time" title={localText(run.finished_at)}>
        {run.finished_at === null ? '–' : <TickingTime iso={run.finished_at} />}
      </td>
      <td className="ls-num">{durationText(run.duration_s)}</td>
      <td className={`ls-num${outlier ? ' pl-ratio--slow' : ' muted'}`}>
        {ratio === null ? '–' : `${ratio.toFixed(1)}×`}
        {outlier && <span className="visually-hidden"> (more than twice the median)</span>}
      </td>
    </tr>
  );
}

function Legend() {
  return (
    <ul className="pl-legend" aria-label="Legend">
      <li>
        <span className="pl-swatch pl-swatch--succeeded" aria-hidden="true" /> succeeded
      </li>
      <li>
        <span className="pl-swatch pl-swatch--failed" aria-hidden="true" /> failed
      </li>
      <li>
        <span className="pl-swatch pl-swatch--cancelled" aria-hidden="true" /> cancelled
      </li>
      <li>
        <span className="pl-swatch pl-swatch--median" aria-hidden="true" /> median
      </li>
      <li>
        <span className="pl-swatch pl-swatch--slow" aria-hidden="true" /> more than {OUTLIER_RATIO}×
        the median
      </li>
    </ul>
  );
}
