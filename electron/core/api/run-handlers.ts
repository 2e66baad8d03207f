import type { Snapshot } from '../../../shared/api.ts';
import { orderActiveRuns } from '../../../shared/active-run-order.ts';
import { countRuns } from '../../../shared/run-counts.ts';
import type { ActiveRunStatus } from '../../../shared/run-status.ts';
import { asOf } from '../monitor/run-views.ts';
import { toIso } from '../time/timestamp.ts';
import { liveSteps } from './live-steps.ts';
import { mergedPage } from './merged-pages.ts';
import { RequestError, type Handlers } from './request-context.ts';
import { alertsView, sourceView } from './source-views.ts';

/** The runs: active ones as the monitor sees them now, finished ones from the store. */
export const runHandlers: Handlers<
  'snapshot' | 'snapshotRest' | 'finishedRuns' | 'runDetail' | 'pipelineHistory'
> = {
  /**
   * Pending changes go out first, so the snapshot's `seq` covers everything in it. With `first`,
   * the runs beyond the first screen are kept for `snapshotRest`, as of this `seq`.
   */
  snapshot(context, { first }) {
    const { options, patches, rests } = context;
    patches.flush();
    const now = options.clock.now();
    const at = toIso(now);
    const { sources } = options;
    let runs: ActiveRunStatus[];
    let more: Snapshot['more'];
    const observed = sources.flatMap((source) => source.session.monitor.runViews.observed());
    if (first !== undefined && observed.length > first) {
      // Only the first screen is brought up to now: the rest's times are worked out from `at`.
      const ordered = orderActiveRuns(observed);
      const rest = ordered.slice(first);
      runs = ordered.slice(0, first).map((run) => asOf(run, now));
      more = { cursor: rests.keep(rest, at, now), runs: countRuns(rest) };
    } else {
      runs = observed.map((run) => asOf(run, now));
    }
    return {
      seq: patches.seq,
      at,
      transport: options.transport,
      sources: sources.map(sourceView),
      runs,
      attention: sources.flatMap((source) => source.session.store.attention(source.name)),
      alerts: Object.fromEntries(sources.map((source) => [source.name, alertsView(source)])),
      notifications_paused_until: patches.pausedUntil(),
      ...(more && { more }),
    };
  },

  snapshotRest(context, { cursor }) {
    const rest = context.rests.take(cursor, context.options.clock.now());
    if (!rest) throw new RequestError('not_found', 'that snapshot is gone: ask for a new one');
    return rest;
  },

  finishedRuns(context, params) {
    const { before, limit, ...filter } = params;
    return mergedPage(
      context.sourcesOf(params.source).map((source) => ({
        name: source.name,
        read: (from) => {
          const page = source.session.store.history.finishedRuns({
            ...filter,
            ...(from === undefined ? {} : { before: from }),
            limit,
          });
          return { items: page.items, cursors: page.cursors, resume: page.next };
        },
      })),
      before,
      limit,
      (a, b) => (b.finished_at ?? '').localeCompare(a.finished_at ?? ''),
    );
  },

  async runDetail(context, params) {
    const source = context.source(params.source);
    const now = context.options.clock.now();
    const { monitor, store } = source.session;
    const active = monitor.runViews.get(params.run_id, now);
    // Without an attempt, a run that runs again is shown as it runs, not as it last finished.
    const attempt = params.attempt ?? active?.attempt;
    const detail = store.history.runDetail(params.run_id, attempt, now);
    if (!detail && !active) return null;
    const current =
      active && active.attempt === (detail?.attempt ?? active.attempt) ? active : null;
    const steps = current ? await liveSteps(monitor.source, params.run_id) : (detail?.steps ?? []);
    if (!detail) {
      return {
        source: source.name,
        pipeline: active?.pipeline ?? '',
        run_id: params.run_id,
        attempt: active?.attempt ?? 1,
        finished: null,
        active,
        steps,
        stalls: [],
        events: [],
      };
    }
    return { ...detail, source: source.name, active: current, steps };
  },

  pipelineHistory(context, { source, pipeline, limit }) {
    return context.source(source).session.store.history.pipelineHistory(pipeline, limit);
  },
};
