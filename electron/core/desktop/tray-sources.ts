import { sourceView, type ApiSource } from '../api/source-views.ts';
import type { SourceView } from '../tray/source-view.ts';

/** What the tray is drawn from, read from the watched sources' sessions at `now`. */
export function traySources(sources: readonly ApiSource[], now: number): SourceView[] {
  return sources.map((source) => {
    const { fired, delivered } = source.session.reach.counts();
    return {
      name: source.name,
      reachable: sourceView(source).state !== 'down',
      runs: source.session.monitor.runViews.all(now),
      attention: source.session.store.attention(source.name),
      alerts: {
        fired,
        delivered,
        channelActive: [...source.session.alerts.config.channels.values()].some(
          (channel) => channel.inactive === null,
        ),
      },
    };
  });
}
