import { memo, useCallback, useMemo, useState } from 'react';
import type { AlertsView, Results, SourceView } from '../../../shared/api.ts';
import type { AttentionItem } from '../../../shared/attention.ts';
import type { ActiveRunStatus } from '../../../shared/run-status.ts';
import { EmptyState } from '../components/empty-state.tsx';
import { StuckTime } from '../components/stuck-time.tsx';
import { TickingTime } from '../components/ticking-time.tsx';
import { useAction } from '../components/use-action.ts';
import { useApi, useDashboard, type AlertPush } from '../state/dashboard-store.ts';
import { isStuck } from '../../../shared/active-run-order.ts';
import { routeHash, type Route } from '../state/route.ts';
import {
  alertHealth,
  countAttention,
  countSources,
  orderAttention,
  runCounts,
} from './overview-summary.ts';
import { AcknowledgeButton } from './run-row-actions.tsx';
import { runRoute, runRowKey } from './run-row-key.ts';
import './overview.css';

const NO_RUNS: ActiveRunStatus[] = [];
const NO_ATTENTION: AttentionItem[] = [];
const NO_SOURCES: SourceView[] = [];
const NO_ALERTS: Record<string, AlertsView> = {};
const RECENT_SHOWN = 8;
/** Attention items shown before "Show all": the list stays a summary when many runs stall. */
const ATTENTION_SHOWN = 10;

const KIND_LABEL = { failed: 'Failed', stalled: 'Stalled', overdue: 'Overdue' } as const;

/** The first view: how things stand in numbers, then what needs attention, then alerting. */
export function OverviewView() {
  const runs = useDashboard((state) => state.snapshot?.runs) ?? NO_RUNS;
  const more = useDashboard((state) => state.snapshot?.more);
  const attention = useDashboard((state) => state.snapshot?.attention) ?? NO_ATTENTION;
  const sources = useDashboard((state) => state.snapshot?.sources) ?? NO_SOURCES;
  const alerts = useDashboard((state) => state.snapshot?.alerts) ?? NO_ALERTS;
  const recentAlerts = useDashboard((state) => state.recentAlerts);
  const navigate = useDashboard((state) => state.navigate);

  const counts = runCounts({ runs, more });
  const attentionCounts = useMemo(() => countAttention(attention), [attention]);
  const sourceCounts = useMemo(() => countSources(sources), [sources]);
  const ordered = useMemo(() => orderAttention(attention), [attention]);
  const activeByKey = useMemo(
    // Only stalled and overdue items show a live run's step: the stuck runs are enough.
    () =>
      attention.length === 0
        ? null
        : new Map(runs.filter(isStuck).map((run) => [runRowKey(run), run])),
    [runs, attention.length],
  );
  const health = useMemo(() => alertHealth(alerts), [alerts]);
  const multiSource = sources.length > 1;

  return (
    <section className="overview" aria-labelledby="overview-title">
      <h2 className="view-title" id="overview-title">
        Overview
        <small>
          {sources.length === 1
            ? `watching ${sources[0]?.name}`
            : `watching ${sources.length} sources`}
        </small>
      </h2>

      <ul className="ov-stats" aria-label="Counts">
        <Stat
          label="Running"
          value={counts.active}
          detail={counts.pending > 0 ? `${counts.pending} pending` : 'active runs'}
          tone={counts.active > 0 ? 'running' : 'calm'}
          route={{ view: 'active' }}
          navigate={navigate}
        />
        <Stat
          label="Stalled"
          value={counts.stalled}
          detail="no progress"
          tone={counts.stalled > 0 ? 'stalled' : 'calm'}
          route={{ view: 'stalls' }}
          navigate={navigate}
        />
        <Stat
          label="Overdue"
          value={counts.overdue}
          detail="past max duration"
          tone={counts.overdue > 0 ? 'overdue' : 'calm'}
          route={{ view: 'stalls' }}
          navigate={navigate}
        />
        <Stat
          label="Failed"
          value={attentionCounts.failed}
          detail="need attention"
          tone={attentionCounts.failed > 0 ? 'failed' : 'calm'}
          route={{ view: 'finished' }}
          navigate={navigate}
        />
        <Stat
          label="Sources"
          value={sourceCounts.down > 0 ? sourceCounts.down : sourceCounts.up}
          unit={sourceCounts.down > 0 ? 'down' : 'up'}
          detail={
            sourceCounts.down > 0
              ? `${sourceCounts.up} up of ${sources.length}`
              : sourceCounts.starting > 0
                ? `${sourceCounts.starting} starting`
                : sources.length === 1
                  ? 'readable'
                  : 'all readable'
          }
          tone={sourceCounts.down > 0 ? 'failed' : 'calm'}
          route={{ view: 'settings' }}
          navigate={navigate}
        />
      </ul>

      <AttentionPanel
        items={ordered}
        activeByKey={activeByKey}
        runningCount={counts.active}
        multiSource={multiSource}
        navigate={navigate}
      />

      <div className="ov-columns">
        <RecentAlerts alerts={recentAlerts} navigate={navigate} multiSource={multiSource} />
        <section className="panel" aria-labelledby="ov-health-title">
          <h2 id="ov-health-title">Sources and alerting</h2>
          <SourceHealth sources={sources} health={health} />
        </section>
      </div>
    </section>
  );
}

type StatTone = 'calm' | 'running' | 'stalled' | 'overdue' | 'failed';

function Stat({
  label,
  value,
  unit,
  detail,
  tone,
  route,
  navigate,
}: {
  label: string;
  value: number;
  unit?: string;
  detail: string;
  tone: StatTone;
  route: Route;
  navigate: (route: Route) => void;
}) {
  return (
    <li className={`ov-stat ov-stat--${tone}`}>
      <a
        href={routeHash(route)}
        onClick={(event) => {
          event.preventDefault();
          navigate(route);
        }}
      >
        <span className="ov-stat-label">{label}</span>
        <span className="ov-stat-value">
          {value.toLocaleString()}
          {unit !== undefined && <span className="ov-stat-unit"> {unit}</span>}
        </span>
        <span className="ov-stat-detail">{detail}</span>
      </a>
    </li>
  );
}

const ACK_ALL_TEXT = {
  done: (result: Results['acknowledge']) =>
    result.acknowledged === 0
      ? 'Nothing left to acknowledge'
      : `Acknowledged ${result.acknowledged} ${result.acknowledged === 1 ? 'item' : 'items'}`,
  failed: 'Could not acknowledge',
};

function AttentionPanel({
  items,
  activeByKey,
  runningCount,
  multiSource,
  navigate,
}: {
  items: AttentionItem[];
  activeByKey: Map<string, ActiveRunStatus> | null;
  runningCount: number;
  multiSource: boolean;
  navigate: (route: Route) => void;
}) {
  const api = useApi();
  const acknowledgeAll = useCallback(() => api.acknowledge({ target: { all: true } }), [api]);
  const { run, busy } = useAction(acknowledgeAll, ACK_ALL_TEXT);
  const [showAll, setShowAll] = useState(false);
  const shown = showAll ? items : items.slice(0, ATTENTION_SHOWN);
  return (
    <section className="panel ov-attention" aria-labelledby="ov-attention-title">
      <div className="ov-panel-head">
        <h2 id="ov-attention-title">
          Needs attention
          {items.length > 0 && <span className="count count--urgent">{items.length}</span>}
        </h2>
        {items.length > 1 && (
          <button
            type="button"
            disabled={busy}
            aria-label={`Acknowledge all ${items.length} items`}
            onClick={() => void run()}
          >
            Acknowledge all
          </button>
        )}
      </div>
      {/* Always there, empty when all is well, so it can be watched for items coming and going. */}
      <ul className="ov-attention-list" aria-label="Needs attention">
        {shown.map((item) => (
          <AttentionRow
            key={`${item.kind}/${runRowKey(item)}`}
            item={item}
            active={activeByKey?.get(runRowKey(item)) ?? null}
            multiSource={multiSource}
            navigate={navigate}
          />
        ))}
      </ul>
      {items.length === 0 && (
        <div className="ov-all-good">
          <span className="ov-check" aria-hidden="true" />
          <div>
            <strong>All good</strong>
            <p>
              Nothing needs attention.{' '}
              {runningCount === 0
                ? 'No run is active right now'
                : `${runningCount.toLocaleString()} ${runningCount === 1 ? 'run is' : 'runs are'} running`}
              ; a failure or stall shows up here the moment it happens.
            </p>
          </div>
        </div>
      )}
      {items.length > ATTENTION_SHOWN && (
        <div className="ov-more">
          <button type="button" className="link" onClick={() => setShowAll((was) => !was)}>
            {showAll ? 'Show fewer' : `Show all ${items.length}`}
          </button>
        </div>
      )}
    </section>
  );
}

const AttentionRow = memo(function AttentionRow({
  item,
  active,
  multiSource,
  navigate,
}: {
  item: AttentionItem;
  active: ActiveRunStatus | null;
  multiSource: boolean;
  navigate: (route: Route) => void;
}) {
  const route = runRoute({ source: item.source, run_id: item.run_id, attempt: item.attempt });
  return (
    <li className={`ov-item ov-item--${item.kind}`} data-run-key={runRowKey(item)}>
      <span className={`badge badge--${item.kind}`}>{KIND_LABEL[item.kind]}</span>
      <span className="ov-item-what">
        <span className="ov-item-pipeline">{item.pipeline || '(no pipeline)'}</span>
        <a
          className="mono"
          href={routeHash(route)}
          aria-label={`Open run ${item.run_id}`}
          onClick={(event) => {
            event.preventDefault();
            navigate(route);
          }}
        >
          {item.run_id}
        </a>
        {item.attempt > 1 && <span className="muted">attempt {item.attempt}</span>}
        {multiSource && <span className="muted">{item.source}</span>}
      </span>
      <span className="ov-item-when">
        {item.kind === 'failed' ? (
          <>
            failed <TickingTime iso={item.since} />
          </>
        ) : (
          <>
            {active !== null ? (
              <StuckTime run={active} />
            ) : (
              <>
                {item.kind} for <TickingTime iso={item.since} format="since" />
              </>
            )}
            {active?.current_step && <> · at {active.current_step}</>}
          </>
        )}
      </span>
      <AcknowledgeButton source={item.source} runId={item.run_id} />
    </li>
  );
});

function RecentAlerts({
  alerts,
  navigate,
  multiSource,
}: {
  alerts: AlertPush[];
  navigate: (route: Route) => void;
  multiSource: boolean;
}) {
  const shown = alerts.slice(0, RECENT_SHOWN);
  return (
    <section className="panel" aria-labelledby="ov-recent-title">
      <div className="ov-panel-head">
        <h2 id="ov-recent-title">Recent alerts</h2>
        <button type="button" className="link" onClick={() => navigate({ view: 'alerts' })}>
          Alert history
        </button>
      </div>
      {shown.length === 0 ? (
        <p className="ov-quiet">No alert has fired since this page opened.</p>
      ) : (
        <ul className="ov-alerts" aria-label="Recent alerts">
          {shown.map((alert, index) => (
            <li key={`${alert.received_at}/${index}`} className="ov-alert">
              <span className={`badge badge--${alert.severity}`}>{alert.severity}</span>
              <span className="ov-alert-title" title={alert.title}>
                {alert.run_id !== null ? (
                  <a
                    href={routeHash(runRoute({ source: alert.source, run_id: alert.run_id }))}
                    onClick={(event) => {
                      event.preventDefault();
                      if (alert.run_id !== null) {
                        navigate(runRoute({ source: alert.source, run_id: alert.run_id }));
                      }
                    }}
                  >
                    {alert.title}
                  </a>
                ) : (
                  alert.title
                )}
                {multiSource && <span className="muted"> · {alert.source}</span>}
              </span>
              <span className="ov-alert-when">
                <TickingTime iso={alert.received_at} />
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function SourceHealth({
  sources,
  health,
}: {
  sources: SourceView[];
  health: ReturnType<typeof alertHealth>;
}) {
  const bySource = new Map(health.map((entry) => [entry.source, entry]));
  if (sources.length === 0) return <EmptyState title="No source is watched" />;
  return (
    <ul className="ov-sources" aria-label="Sources and alerting">
      {sources.map((source) => {
        const entry = bySource.get(source.name);
        return (
          <li key={source.name} className="ov-source">
            <div className="ov-source-head">
              <span className={`ov-dot ov-dot--${source.state}`} aria-hidden="true" />
              <strong>{source.name}</strong>
              <span className="muted">
                {source.state === 'up'
                  ? 'readable'
                  : source.state === 'starting'
                    ? 'starting'
                    : 'cannot be read'}
                {source.state === 'down' && source.down_since !== null && (
                  <>
                    {' '}
                    for <TickingTime iso={source.down_since} format="since" />
                  </>
                )}
              </span>
              <span className="ov-source-numbers">
                <span className={entry && entry.firing > 0 ? 'ov-firing' : undefined}>
                  {entry?.firing ?? 0} firing
                </span>
                <span>{entry?.pending ?? 0} pending deliveries</span>
              </span>
            </div>
            <p className="ov-source-db mono" title={source.db}>
              {source.db}
            </p>
            {source.schema !== null && (
              <p className="ov-source-schema muted" title={source.schema.description}>
                Schema: {source.schema.name}
                {source.schema.detected ? ', recognised from its tables' : ', as named'}
              </p>
            )}
            {entry === undefined ? (
              <p className="ov-problem ov-problem--quiet">Alerting has not started yet.</p>
            ) : entry.problems.length === 0 ? (
              <p className="ov-problem ov-problem--ok">Every rule reaches an active channel.</p>
            ) : (
              <ul className="ov-problems">
                {entry.problems.map((problem) => (
                  <li key={problem.text} className={`ov-problem ov-problem--${problem.tone}`}>
                    {problem.text}
                    <dl className="ov-details">
                      {problem.details.map((detail) => (
                        <div key={detail.name}>
                          <dt title={detail.hint}>{detail.name}</dt>
                          <dd title={detail.hint}>{detail.text}</dd>
                        </div>
                      ))}
                    </dl>
                  </li>
                ))}
              </ul>
            )}
          </li>
        );
      })}
    </ul>
  );
}
