/**
 * Every alert delivery, newest first: what was said, through which channel, and what became of
 * it — sent (how fast), retrying (when next), failed (why) — with each attempt on demand.
 */
import { Fragment, useEffect, useState } from 'react';
import type { DeliveryView } from '../../../shared/api.ts';
import { formatDuration } from '../../../shared/duration.ts';
import { SEVERITIES, type Severity } from '../../../shared/severity.ts';
import { FilterBar } from '../app/filter-bar.tsx';
import { EmptyState } from '../components/empty-state.tsx';
import { LoadMore } from '../components/load-more.tsx';
import { RouteLink } from '../components/route-link.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TickingTime } from '../components/ticking-time.tsx';
import { usePaged } from '../components/use-paged.ts';
import { clockText, localText } from '../format/time-text.ts';
import { useApi, useDashboard } from '../state/dashboard-store.ts';
import type { Route } from '../state/route.ts';
import { attemptError, deliveryMatches, deliveryRun, deliveryStatus } from './alerts-status.ts';
import { unheardHeadline, unheardSources, unheardWhy } from './unheard-alerts.ts';
import './alerts.css';

const keyOf = (delivery: DeliveryView) => `${delivery.source}:${delivery.id}`;

/** A delivery due (or overdue) is looked at again this long after its time. */
const DUE_GRACE_MS = 1_500;
const MAX_WAIT_MS = 60_000;

const ALERT_SEARCH = {
  placeholder: 'Search title, rule or channel',
  label: 'Search alerts by title, rule or channel',
};

const KIND_TEXT: Record<string, string> = {
  group: 'grouped',
  repeat: 'repeat',
  digest: 'digest',
  away: 'while away',
  test: 'test',
  failing: 'delivery failing',
};

export function AlertsView() {
  const api = useApi();
  const filters = useDashboard((state) => state.filters);
  const alertsVersion = useDashboard((state) => state.alertsVersion);
  const sources = useDashboard((state) => state.snapshot?.sources);
  const alerts = useDashboard((state) => state.snapshot?.alerts);
  const navigate = useDashboard((state) => state.navigate);
  const [severity, setSeverity] = useState<Severity | ''>('');
  const [poll, setPoll] = useState(0);
  const query = {
    ...(filters.source === null ? {} : { source: filters.source }),
    ...(severity === '' ? {} : { severity }),
  };
  const list = usePaged((page) => api.alertHistory({ ...query, ...page }), keyOf, {
    filters: [query],
    refresh: [alertsVersion, poll],
  });
  const shown = list.items.filter((delivery) => deliveryMatches(delivery, filters.search));

  // A pending delivery is looked at again once its next attempt is due.
  const due = list.items
    .filter((delivery) => delivery.state === 'pending' && delivery.next_attempt_at !== null)
    .map((delivery) => Date.parse(delivery.next_attempt_at as string))
    .filter((ms) => !Number.isNaN(ms));
  const firstDue = due.length > 0 ? Math.min(...due) : null;
  useEffect(() => {
    if (firstDue === null) return;
    const wait = Math.min(MAX_WAIT_MS, Math.max(2_000, firstDue - Date.now() + DUE_GRACE_MS));
    const timer = setTimeout(() => setPoll((n) => n + 1), wait);
    return () => clearTimeout(timer);
  }, [firstDue, poll]);

  const narrowed = filters.search.trim() !== '' || filters.source !== null || severity !== '';
  const unheard = unheardSources(alerts ?? {});
  const multiSource = (sources?.length ?? 0) > 1;

  return (
    <section className="alerts-view" aria-labelledby="alerts-title">
      <h2 className="view-title" id="alerts-title">
        Alerts
        {!list.initial && (
          <small>
            {shown.length}
            {list.more ? '+' : ''} deliveries
          </small>
        )}
      </h2>
      <FilterBar
        pipeline={false}
        search={ALERT_SEARCH}
        narrowed={severity !== ''}
        onClear={() => setSeverity('')}
      >
        <select
          aria-label="Severity"
          value={severity}
          onChange={(event) => setSeverity(event.target.value as Severity | '')}
        >
          <option value="">Any severity</option>
          {[...SEVERITIES].reverse().map((level) => (
            <option key={level} value={level}>
              {level}
            </option>
          ))}
        </select>
      </FilterBar>
      {list.error !== null && (
        <p className="ls-error" role="alert">
          Could not load the alert history: {list.error}
        </p>
      )}
      <div className="panel">
        {list.initial ? (
          <p className="loading" role="status">
            Loading alert history…
          </p>
        ) : shown.length === 0 && !narrowed && unheard.length > 0 ? (
          <EmptyState
            title={unheard
              .map((entry) => `${multiSource ? `${entry.source}: ` : ''}${unheardHeadline(entry)}`)
              .join(' · ')}
          >
            <p>
              No channel can send, so alerts reach nobody and nothing is listed here (
              {unheard.map(unheardWhy).join('; ')}).{' '}
              <button
                type="button"
                className="link"
                onClick={() => navigate({ view: 'settings', section: 'channels' })}
              >
                Set up a channel
              </button>
            </p>
          </EmptyState>
        ) : shown.length === 0 ? (
          <EmptyState title={narrowed ? 'No deliveries match' : 'No alerts sent yet'}>
            <p>
              {narrowed
                ? list.more
                  ? 'None among those loaded: clear the filters or load more.'
                  : 'Clear the filters to see every delivery.'
                : 'When a rule in alerts.yaml matches, each message it sends is listed here with every attempt.'}
            </p>
          </EmptyState>
        ) : (
          <div className="ls-scroll">
            <table
              className="table alerts-table"
              aria-label="Alert history"
              aria-busy={list.loading}
            >
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Alert</th>
                  <th scope="col">Channel</th>
                  <th scope="col">Status</th>
                  <th scope="col">Attempts</th>
                </tr>
              </thead>
              <tbody>
                {shown.map((delivery) => (
                  <DeliveryRow
                    key={keyOf(delivery)}
                    delivery={delivery}
                    multiSource={multiSource}
                  />
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

function DeliveryRow({ delivery, multiSource }: { delivery: DeliveryView; multiSource: boolean }) {
  const [open, setOpen] = useState(false);
  const status = deliveryStatus(delivery);
  const run = deliveryRun(delivery);
  const attemptsId = `attempts-${delivery.source}-${delivery.id}`.replace(/[^\w-]/g, '_');
  const title = delivery.title ?? `${KIND_TEXT[delivery.kind] ?? delivery.kind} message`;
  const kind = KIND_TEXT[delivery.kind];
  const runRoute: Route | null =
    run === null
      ? null
      : {
          view: 'run',
          source: run.source,
          run_id: run.run_id,
          ...(run.attempt === null ? {} : { attempt: run.attempt }),
        };
  return (
    <Fragment>
      <tr
        data-delivery-id={delivery.id}
        data-source={delivery.source}
        className={open ? 'is-open' : undefined}
      >
        <td className="al-time" title={localText(delivery.created_at)}>
          <span className="al-time-ago">
            <TickingTime iso={delivery.created_at} />
          </span>
          <span className="al-time-local">{clockText(delivery.created_at)}</span>
        </td>
        <td>
          <StatusBadge tone={delivery.severity}>{delivery.severity}</StatusBadge>
        </td>
        <td className="al-alert">
          <div className="al-title">
            {runRoute !== null ? (
              <RouteLink route={runRoute}>{title}</RouteLink>
            ) : (
              <span className={delivery.title === null ? 'muted' : undefined}>{title}</span>
            )}
          </div>
          <div className="al-meta">
            {delivery.rules.length > 0 && (
              <span className="mono" title="Rules">
                <span className="visually-hidden">Rules: </span>
                {delivery.rules.join(', ')}
              </span>
            )}
            {run !== null && !title.includes(run.run_id) && (
              <span>
                run <span className="mono">{run.run_id}</span>
                {run.attempt !== null && run.attempt > 1 && ` (attempt ${run.attempt})`}
              </span>
            )}
            {kind !== undefined && <span className="tag al-tag">{kind}</span>}
            {delivery.alerts > 1 && <span className="tag al-tag">{delivery.alerts} alerts</span>}
            {multiSource && <span>{delivery.source}</span>}
          </div>
        </td>
        <td className="al-channel">{delivery.channel}</td>
        <td className="al-status" data-status={status.label}>
          <StatusBadge tone={status.tone}>{status.label}</StatusBadge>
          {status.next_at !== null ? (
            <span className="al-detail">
              <span className="visually-hidden">,</span>{' '}
              {status.label === 'retrying' ? 'next attempt' : 'sends'}{' '}
              <TickingTime iso={status.next_at} format="until" />
              {status.detail !== null && (
                <span className="al-why">
                  <span className="visually-hidden">; </span>
                  {status.detail}
                </span>
              )}
            </span>
          ) : (
            status.detail !== null && (
              <span className={`al-detail${status.tone === 'failed' ? ' al-detail--failed' : ''}`}>
                <span className="visually-hidden">
                  {status.label === 'failed' ? ':' : status.label === 'sent' ? '' : ','}
                </span>{' '}
                {status.detail}
              </span>
            )
          )}
        </td>
        <td>
          {delivery.attempts.length === 0 ? (
            <span className="muted">{delivery.state === 'pending' ? 'none yet' : 'none'}</span>
          ) : (
            <button
              type="button"
              className="quiet al-toggle"
              aria-expanded={open}
              aria-controls={attemptsId}
              aria-label={`${open ? 'Hide' : 'Show'} ${delivery.attempts.length} attempt${delivery.attempts.length === 1 ? '' : 's'} of delivery ${delivery.id}`}
              onClick={() => setOpen((value) => !value)}
            >
              <span className="al-chevron" aria-hidden="true">
                {open ? '▾' : '▸'}
              </span>{' '}
              {delivery.attempts.length}
            </button>
          )}
        </td>
      </tr>
      {open && (
        <tr className="al-attempts-row" id={attemptsId}>
          <td colSpan={6}>
            <table className="al-attempts" aria-label={`Attempts of delivery ${delivery.id}`}>
              <thead>
                <tr>
                  <th scope="col" className="al-col-n">
                    #
                  </th>
                  <th scope="col" className="al-col-at">
                    At
                  </th>
                  <th scope="col" className="al-col-result">
                    Result
                  </th>
                  <th scope="col" className="ls-num al-col-latency">
                    Latency
                  </th>
                  <th scope="col">Error</th>
                </tr>
              </thead>
              <tbody>
                {delivery.attempts.map((attempt) => (
                  <tr key={attempt.attempt}>
                    <td>{attempt.attempt}</td>
                    <td>{localText(attempt.at)}</td>
                    <td>
                      <StatusBadge tone={attempt.ok ? 'sent' : 'failed'}>
                        {attempt.ok
                          ? attempt.status !== null
                            ? `ok · ${attempt.status}`
                            : 'ok'
                          : attempt.status !== null
                            ? `HTTP ${attempt.status}`
                            : 'failed'}
                      </StatusBadge>
                    </td>
                    <td className="ls-num">{formatDuration(attempt.latency_ms)}</td>
                    <td className={attempt.ok ? 'muted' : 'al-attempt-error'}>
                      {attemptError(attempt) ?? '–'}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
            {delivery.ended_at !== null && (
              <p className="muted al-attempts-end">Ended {localText(delivery.ended_at)}.</p>
            )}
          </td>
        </tr>
      )}
    </Fragment>
  );
}
