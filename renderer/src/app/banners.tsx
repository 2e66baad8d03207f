import { useDashboard } from '../state/dashboard-store.ts';
import { TickingTime } from '../components/ticking-time.tsx';
import { clockText } from '../format/time-text.ts';
import { unheardHeadline, unheardSources, unheardWhy } from '../views/unheard-alerts.ts';

/**
 * What the user must know before anything else, in plain words: the connection is lost, a
 * source cannot be read, alerts reach nobody, a channel is failing to deliver, or this is the
 * demo.
 */
export function Banners() {
  const connection = useDashboard((state) => state.connection);
  const problem = useDashboard((state) => state.problem);
  const snapshot = useDashboard((state) => state.snapshot);
  const navigate = useDashboard((state) => state.navigate);
  const down = snapshot?.sources.filter((source) => source.state === 'down') ?? [];
  const failing = Object.entries(snapshot?.alerts ?? {}).flatMap(([source, view]) =>
    view.failing.map((failure) => ({ source, ...failure })),
  );
  const unheard = unheardSources(snapshot?.alerts ?? {});
  const manySources = (snapshot?.sources.length ?? 0) > 1;
  const demo = snapshot?.sources.some((source) => source.demo) ?? false;
  const serve = snapshot?.transport === 'serve';

  return (
    <div className="banners">
      {connection.state === 'closed' && (
        <div className="banner banner--error" role="alert">
          Disconnected from Runwatch; trying again. If this lasts, the server has stopped or this
          browser is no longer signed in: open the URL that <code>runwatch serve</code> printed.
        </div>
      )}
      {problem !== null && (
        <div className="banner banner--error" role="alert">
          {problem}
        </div>
      )}
      {down.map((source) => (
        <div key={source.name} className="banner banner--error" role="alert">
          <strong>{source.name}</strong> cannot be read
          {source.down_since !== null && (
            <>
              {' '}
              since <TickingTime iso={source.down_since} />
            </>
          )}
          : {source.error ?? 'unknown error'}. Runs there are not being watched until it is back.
        </div>
      ))}
      {unheard.map((entry) => (
        <div key={entry.source} className="banner banner--error" role="alert">
          <strong>
            {manySources && `${entry.source}: `}
            {unheardHeadline(entry)}.
          </strong>{' '}
          No channel can send, so every alert reaches nobody ({unheardWhy(entry)}). Counted since
          Runwatch started watching, at {clockText(entry.since)}.{' '}
          <button
            type="button"
            className="link"
            onClick={() => navigate({ view: 'settings', section: 'channels' })}
          >
            Set up a channel
          </button>
        </div>
      ))}
      {failing.map((failure) => (
        <div
          key={`${failure.source}/${failure.channel}`}
          className="banner banner--warning"
          role="alert"
        >
          Alerts are not reaching <strong>{failure.channel}</strong> ({failure.source}) since{' '}
          <TickingTime iso={failure.since} />: {failure.error}. They are kept and retried.{' '}
          <button type="button" className="link" onClick={() => navigate({ view: 'alerts' })}>
            See deliveries
          </button>
        </div>
      ))}
      {demo && (
        <div className="banner banner--info" role="note">
          This is the <strong>demo pipeline</strong>: made-up runs that start, fail, stall and
          finish within a minute.{' '}
          {serve ? (
            <>
              To watch your own pipelines, start{' '}
              <code>npx --no-install runwatch serve --db /path/to/orchestration.db</code>.
            </>
          ) : (
            <>
              To watch your own pipelines, add their database in{' '}
              <button type="button" className="link" onClick={() => navigate({ view: 'settings' })}>
                Settings → Sources
              </button>
              .
            </>
          )}
        </div>
      )}
    </div>
  );
}
