import type { CheckedParams, DeliveryView } from '../../../shared/api.ts';
import { matchProblems } from '../alerts/alert-config-schema.ts';
import { toIso } from '../time/timestamp.ts';
import { deliveryView } from './delivery-view.ts';
import { mergedPage, type SourcePage } from './merged-pages.ts';
import { RequestError, type Handlers } from './request-context.ts';
import type { ApiSource } from './source-views.ts';

/** The alerts: what was delivered, what is silenced, what is acknowledged. */
export const alertHandlers: Handlers<
  'alertHistory' | 'listSilences' | 'addSilence' | 'removeSilence' | 'acknowledge'
> = {
  alertHistory(context, params) {
    return mergedPage(
      context.sourcesOf(params.source).map((source) => ({
        name: source.name,
        read: (from) => deliveries(source, params, from),
      })),
      params.before,
      params.limit,
      (a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id,
    );
  },

  listSilences(context) {
    const now = context.options.clock.now();
    return context.options.sources.flatMap((source) =>
      source.session.store.alerts.silences.storedSilences(now).map((row) => ({
        source: source.name,
        id: row.id,
        match: JSON.parse(row.match) as Record<string, unknown>,
        until: toIso(row.until),
        comment: row.comment,
      })),
    );
  },

  addSilence(context, params) {
    const session = context.source(params.source).session;
    const until = Date.parse(params.until);
    const now = context.options.clock.now();
    if (until <= now) throw new RequestError('invalid', 'addSilence: until: must be in the future');
    const problems = matchProblems(params.match);
    if (problems.length > 0) {
      const text = problems.map(
        (problem) => `${['match', ...problem.path].join('.')}: ${problem.message}`,
      );
      throw new RequestError('invalid', `addSilence: ${text.join('; ')}`);
    }
    const id = session.store.alerts.silences.addSilence(
      JSON.stringify(params.match),
      until,
      params.comment ?? null,
      now,
    );
    session.alerts.engine.silencesChanged();
    return {
      source: params.source,
      id,
      match: params.match,
      until: toIso(until),
      comment: params.comment ?? null,
    };
  },

  removeSilence(context, { source, id }) {
    const session = context.source(source).session;
    const removed = session.store.alerts.silences.removeSilence(id);
    session.alerts.engine.silencesChanged();
    return { removed };
  },

  acknowledge(context, params) {
    const now = context.options.clock.now();
    let acknowledged = 0;
    for (const source of context.sourcesOf(params.source)) {
      acknowledged += source.session.store.acknowledge(params.target, now);
    }
    context.patches.markChanged('attention');
    return { acknowledged };
  },
};

/** One source's latest deliveries before the row id `from`, newest first. */
function deliveries(
  source: ApiSource,
  params: CheckedParams<'alertHistory'>,
  from: string | undefined,
): SourcePage<DeliveryView> {
  const before = from === undefined ? Number.MAX_SAFE_INTEGER : Number(from);
  const rows = source.session.store.alertHistory
    .deliveries(params.limit + 1, Number.isSafeInteger(before) ? before : 0)
    .reverse();
  const shown = rows.slice(0, params.limit);
  const items = shown
    .filter((row) => params.severity === undefined || row.severity === params.severity)
    .map((row) => deliveryView(source.name, row));
  const last = shown.at(-1);
  return {
    items,
    cursors: items.map((item) => String(item.id)),
    resume: rows.length > params.limit && last ? String(last.id) : null,
  };
}
