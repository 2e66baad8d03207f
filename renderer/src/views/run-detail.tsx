/**
 * One run's story: what it is and how it ended, its steps on a timeline with its stalls, its
 * zip and report, and every event Runwatch recorded for it. An active run follows along.
 */
import { useMemo, useState, type ReactNode } from 'react';
import type { RunDetail } from '../../../shared/api.ts';
import type { ActiveRunStatus } from '../../../shared/run-status.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { ProgressBar } from '../components/progress-bar.tsx';
import { RouteLink } from '../components/route-link.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { StuckTime } from '../components/stuck-time.tsx';
import { TickingTime } from '../components/ticking-time.tsx';
import type { Tone } from '../components/tone.ts';
import { useNow } from '../components/use-now.ts';
import { usePoll } from '../components/use-poll.ts';
import { useRequest } from '../components/use-request.ts';
import { durationText, localText } from '../format/time-text.ts';
import { outcomeTone } from '../format/status-tone.ts';
import { useApi, useDashboard } from '../state/dashboard-store.ts';
import type { Route } from '../state/route.ts';
import { Gantt } from './gantt.tsx';
import { ganttLayout } from './gantt-layout.ts';
import { eventDetail, eventTime, eventTitle, eventTone } from './run-detail-events.ts';
import { archiveState } from './run-files.ts';
import { ArchiveCell, RunFileButtons } from './run-files.tsx';
import './run-detail.css';

type RunRoute = Extract<Route, { view: 'run' }>;

/** Events listed before "Show all". */
const EVENTS_SHOWN = 200;
/** While the run is active, its running steps grow on the timeline this often. */
const GROW_MS = 1_000;

/** What of an active run, when it changes, is worth asking for its detail again (not its idle time). */
function progressKey(run: ActiveRunStatus | undefined): unknown[] | null {
  if (run === undefined) return null;
  return [
    run.attempt,
    run.status,
    run.steps_done,
    run.current_step,
    run.last_progress_at,
    run.stalled_since,
    run.overdue_since,
  ];
}

function activeTone(run: ActiveRunStatus): { tone: Tone; text: string } {
  if (run.stalled_since !== null) return { tone: 'stalled', text: 'stalled' };
  if (run.overdue_since !== null) return { tone: 'overdue', text: 'overdue' };
  if (run.status.toLowerCase() === 'pending') return { tone: 'pending', text: 'pending' };
  return { tone: 'running', text: run.status.toLowerCase() };
}

export function RunDetailView({ route }: { route: RunRoute }) {
  const api = useApi();
  const finishedVersion = useDashboard((state) => state.finishedVersion);
  const live = useDashboard((state) =>
    state.snapshot?.runs.find((run) => run.source === route.source && run.run_id === route.run_id),
  );
  const [poll, setPoll] = useState(0);
  const detail = useRequest(
    async () => ({
      detail: await api.runDetail({
        source: route.source,
        run_id: route.run_id,
        ...(route.attempt === undefined ? {} : { attempt: route.attempt }),
      }),
      loaded_at: Date.now(),
    }),
    [route.source, route.run_id, route.attempt, progressKey(live), finishedVersion, poll],
  );
  // What is still shown of the previous run while another one loads is not shown as this one.
  const shown =
    detail.value !== null &&
    (detail.value.detail === null ||
      (detail.value.detail.source === route.source && detail.value.detail.run_id === route.run_id))
      ? detail.value
      : null;
  const value = shown?.detail ?? null;
  const pending =
    detail.state === 'ready' &&
    value !== null &&
    value.finished !== null &&
    archiveState(value.finished).kind === 'pending';
  // While the archive or report is still to come, the run is asked again.
  usePoll(pending, poll, setPoll);

  const back: Route = live !== undefined ? { view: 'active' } : { view: 'finished' };
  const backText = live !== undefined ? '← Active runs' : '← Finished runs';

  if (shown === null || (detail.state === 'loading' && shown.detail === null)) {
    return (
      <RunPlaceholder back={back} backText={backText} runId={route.run_id}>
        {detail.state === 'failed' ? (
          <div className="panel">
            <EmptyState title="Could not load this run">
              <p>{detail.error}</p>
            </EmptyState>
          </div>
        ) : (
          <p className="loading" role="status">
            Loading the run…
          </p>
        )}
      </RunPlaceholder>
    );
  }
  if (value === null) {
    return (
      <RunPlaceholder back={back} backText={backText} runId={route.run_id}>
        <div className="panel">
          <EmptyState title="Run not found">
            <p>
              Runwatch knows no run <code>{route.run_id}</code>
              {route.attempt !== undefined && <> (attempt {route.attempt})</>} in source{' '}
              <code>{route.source}</code>. It may have been removed from the database, or it
              finished before Runwatch started watching.
            </p>
          </EmptyState>
        </div>
      </RunPlaceholder>
    );
  }
  return (
    <RunStory
      detail={value}
      live={live ?? null}
      loadedAt={shown.loaded_at}
      back={back}
      backText={backText}
      error={detail.state === 'failed' ? detail.error : null}
    />
  );
}

/** The page while there is no run to tell: the way back, the run's id, and why not. */
function RunPlaceholder({
  back,
  backText,
  runId,
  children,
}: {
  back: Route;
  backText: string;
  runId: string;
  children: ReactNode;
}) {
  return (
    <section className="rd-view" aria-labelledby="run-title">
      <p className="rd-back">
        <RouteLink route={back}>{backText}</RouteLink>
      </p>
      <h2 className="view-title" id="run-title">
        <span className="mono">{runId}</span>
      </h2>
      {children}
    </section>
  );
}

function RunStory({
  detail,
  live,
  loadedAt,
  back,
  backText,
  error,
}: {
  detail: RunDetail;
  live: ActiveRunStatus | null;
  loadedAt: number;
  back: Route;
  backText: string;
  error: string | null;
}) {
  const multiSource = useDashboard((state) => (state.snapshot?.sources.length ?? 0) > 1);
  const [allEvents, setAllEvents] = useState(false);
  const active = detail.active;
  const finished = detail.finished;
  const started = finished?.started_at ?? active?.started_at ?? null;
  const ticking = useNow(active !== null ? GROW_MS : null);
  // Running steps and an open stall end at now, which moves on while the run is active.
  const now = active !== null ? Math.max(ticking, loadedAt) : loadedAt;
  const layout = useMemo(
    () =>
      ganttLayout({
        steps: detail.steps,
        started_at: started,
        finished_at: finished?.finished_at ?? null,
        stalls: detail.stalls,
        active: active !== null,
        now,
      }),
    [detail, started, finished, active, now],
  );
  const state =
    active !== null
      ? activeTone(active)
      : finished !== null
        ? { tone: outcomeTone(finished.outcome), text: finished.outcome }
        : null;
  // Attempts: this one, earlier ones, and a later one running now.
  const latest = Math.max(detail.attempt, live?.attempt ?? 0);
  const attempts = Array.from({ length: latest }, (_, index) => index + 1);
  const events = allEvents ? detail.events : detail.events.slice(-EVENTS_SHOWN);
  // Where the source says why a step failed, it is said here, not only where.
  const failures = detail.steps.filter((step) => step.message !== undefined);

  return (
    <section className="rd-view" aria-labelledby="run-title">
      <p className="rd-back">
        <RouteLink route={back}>{backText}</RouteLink>
        {detail.pipeline !== '' && (
          <>
            <span aria-hidden="true"> · </span>
            <RouteLink
              route={{ view: 'pipelines', source: detail.source, pipeline: detail.pipeline }}
            >
              {detail.pipeline} history
            </RouteLink>
          </>
        )}
      </p>
      <header className="rd-head">
        <h2 className="view-title" id="run-title">
          <span className="rd-pipeline">{detail.pipeline || 'run'}</span>
          <span className="mono rd-id">{detail.run_id}</span>
          {state !== null && <StatusBadge tone={state.tone}>{state.text}</StatusBadge>}
          {live !== null && live.stale && <StatusBadge tone="muted">stale</StatusBadge>}
        </h2>
        {finished !== null && <RunFileButtons run={finished} />}
      </header>
      {error !== null && (
        <p className="ls-error" role="alert">
          Could not refresh this run: {error}
        </p>
      )}
      {attempts.length > 1 && (
        <nav className="rd-attempts" aria-label="Attempts">
          <span className="muted">Attempt</span>
          {attempts.map((attempt) =>
            attempt === detail.attempt ? (
              <span key={attempt} className="rd-attempt rd-attempt--current" aria-current="page">
                {attempt}
              </span>
            ) : (
              <RouteLink
                key={attempt}
                className="rd-attempt"
                route={{ view: 'run', source: detail.source, run_id: detail.run_id, attempt }}
              >
                {`${attempt}${live !== null && live.attempt === attempt ? ' (running)' : ''}`}
              </RouteLink>
            ),
          )}
        </nav>
      )}

      <dl className="panel rd-facts">
        {multiSource && <Fact term="Source">{detail.source}</Fact>}
        <Fact term="Attempt">{detail.attempt}</Fact>
        <Fact term="Started">{localText(started)}</Fact>
        {active !== null ? (
          <Fact term="Running for">
            {started === null ? '–' : <TickingTime iso={started} format="since" />}
          </Fact>
        ) : (
          <Fact term="Finished">{localText(finished?.finished_at ?? null)}</Fact>
        )}
        {active === null && (
          <Fact term="Duration">{durationText(finished?.duration_s ?? null)}</Fact>
        )}
        <Fact term="Steps">
          {active !== null ? (
            <>
              {active.steps_done} of {active.steps_total} done
            </>
          ) : finished !== null ? (
            <>
              {finished.steps_total}
              {finished.steps_failed > 0 && (
                <span className="rd-failed-steps"> · {finished.steps_failed} failed</span>
              )}
            </>
          ) : (
            '–'
          )}
        </Fact>
        {finished !== null && (
          <Fact term="Archive">
            <ArchiveCell run={finished} />
          </Fact>
        )}
      </dl>

      {active !== null && (
        <div className="panel rd-live">
          <h2>Now</h2>
          <div className="rd-live-body">
            <ProgressBar
              done={active.steps_done}
              total={active.steps_total}
              stuck={active.stalled_since !== null || active.overdue_since !== null}
              label={`Steps of ${detail.run_id}`}
            />
            <p>
              {active.current_step !== null ? (
                <>
                  On step <strong>{active.current_step}</strong> (
                  {Math.min(active.steps_done + 1, active.steps_total)} of {active.steps_total}),
                </>
              ) : (
                <>
                  {active.steps_done} of {active.steps_total} steps done,
                </>
              )}{' '}
              last progress <TickingTime iso={active.last_progress_at} />.
              {(active.stalled_since !== null || active.overdue_since !== null) && (
                <span className="rd-warn">
                  {' '}
                  {active.stalled_since !== null ? 'Stalled' : 'Overdue'} since{' '}
                  {localText(active.stalled_since ?? active.overdue_since)}:{' '}
                  <StuckTime run={active} />.
                </span>
              )}
            </p>
          </div>
        </div>
      )}

      <div className="panel rd-timeline">
        <h2>
          Timeline
          {layout.start !== null && (
            <small className="muted"> from {localText(new Date(layout.start).toISOString())}</small>
          )}
        </h2>
        {detail.steps.length === 0 ? (
          <p className="rd-note muted">
            {active !== null ? 'No steps recorded yet.' : 'This run recorded no steps.'}
          </p>
        ) : (
          <Gantt layout={layout} label={`Steps of ${detail.run_id} on a timeline`} />
        )}
        {failures.length > 0 && (
          <ul className="rd-failures" aria-label="Why steps failed">
            {failures.map((step) => (
              <li key={step.step_id}>
                <StatusBadge tone="failed">{step.status.toLowerCase()}</StatusBadge>{' '}
                <strong>{step.name || step.step_id}</strong>: {step.message}
              </li>
            ))}
          </ul>
        )}
        {detail.stalls.length > 0 && (
          <ul className="rd-stalls" aria-label="Stalls">
            {detail.stalls.map((stall) => (
              <li key={stall.started_at}>
                <StatusBadge tone="stalled">stalled</StatusBadge> {localText(stall.started_at)}
                {stall.ended_at !== null ? <> → {localText(stall.ended_at)}</> : ' → still stalled'}
                <span className="muted"> · no progress for {durationText(stall.idle_s)}</span>
              </li>
            ))}
          </ul>
        )}
      </div>

      <div className="panel rd-events">
        <h2>
          Events <small className="muted">{detail.events.length}</small>
        </h2>
        {detail.events.length === 0 ? (
          <p className="rd-note muted">No events recorded for this run yet.</p>
        ) : (
          <>
            {!allEvents && detail.events.length > EVENTS_SHOWN && (
              <p className="rd-note">
                Showing the latest {EVENTS_SHOWN} of {detail.events.length}.{' '}
                <button type="button" className="link" onClick={() => setAllEvents(true)}>
                  Show all
                </button>
              </p>
            )}
            <ol className="rd-event-list" aria-label={`Events of ${detail.run_id}`}>
              {events.map((event) => (
                <li key={event.id} className="rd-event">
                  <time className="rd-event-time" dateTime={eventTime(event)}>
                    {localText(eventTime(event))}
                  </time>
                  <span className="rd-event-type">
                    <StatusBadge tone={eventTone(event)}>{eventTitle(event)}</StatusBadge>
                  </span>
                  <span className="rd-event-detail">
                    {eventDetail(event)}
                    {'late' in event && event.late === true && (
                      <span className="muted"> (seen late, at {localText(event.at)})</span>
                    )}
                  </span>
                </li>
              ))}
            </ol>
          </>
        )}
      </div>
    </section>
  );
}

function Fact({ term, children }: { term: string; children: ReactNode }) {
  return (
    <div className="rd-fact">
      <dt>{term}</dt>
      <dd>{children}</dd>
    </div>
  );
}
