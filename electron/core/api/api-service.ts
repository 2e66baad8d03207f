import { z } from 'zod';
import {
  checkRequest,
  invalidParams,
  type ApiError,
  type ApiIssue,
  type ApiReply,
  type CheckedParams,
  type DeliveryView,
  type Patch,
  type PushMessage,
  type RequestName,
  type Results,
  type Snapshot,
} from '../../../shared/api.ts';
import { orderActiveRuns } from '../../../shared/active-run-order.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import { countRuns } from '../../../shared/run-counts.ts';
import type { ActiveRunStatus } from '../../../shared/run-status.ts';
import {
  settingsChannelSchema,
  type Settings,
  type SettingsInput,
} from '../../../shared/settings.ts';
import { matchProblems } from '../alerts/alert-config-schema.ts';
import { describeEvent } from '../alerts/alert-text.ts';
import { createChannelSender, type ChannelDeps } from '../alerts/channels/channel-factory.ts';
import { sendTestAlert } from '../alerts/test-alert.ts';
import { ConfigError } from '../config/yaml-validate.ts';
import { asOf } from '../monitor/run-views.ts';
import type { Logger } from '../log.ts';
import { protectionNotice } from '../settings/protection-notice.ts';
import type { SecretProtection } from '../settings/secret-cipher.ts';
import { keepSecrets, maskSecrets, unkeptSecrets } from '../settings/secret-mask.ts';
import { SettingsError } from '../settings/settings-file.ts';
import type { SettingsStore } from '../settings/settings-store.ts';
import { thresholdsInForce } from '../settings/thresholds-in-force.ts';
import type { Clock } from '../time/clock.ts';
import { toIso } from '../time/timestamp.ts';
import type { ApiEndpoint } from './api-endpoint.ts';
import { insideDataDir } from './inside-data-dir.ts';
import { deliveryView } from './delivery-view.ts';
import { liveSteps } from './live-steps.ts';
import { mergedPage, type SourcePage } from './merged-pages.ts';
import { SnapshotRests } from './snapshot-rests.ts';
import { alertsView, sourceView, type ApiSource } from './source-views.ts';

/** What only the shell can do with a run's files: the app opens them, `serve` offers downloads. */
export interface RunFiles {
  /** Null where there is no desktop to open a folder on (`serve`). */
  openFolder: ((folder: string) => Promise<boolean>) | null;
  showFile: (file: string) => Promise<Results['showRunFile']>;
  /** The desktop's file dialog for a database; absent where there is none (`serve`). */
  chooseDatabase?: () => Promise<string | null>;
}

export interface ApiServiceOptions {
  sources: readonly ApiSource[];
  transport: Snapshot['transport'];
  files: RunFiles;
  clock: Clock;
  log: Logger;
  /** The settings window's settings; none where there is nothing to edit. */
  settings?: SettingsAccess;
  /** What channels need to send here: the tests of `testChannel` go through them. */
  channels: ChannelDeps;
  /** Until when desktop notifications are paused (the app's tray), or null. */
  notificationsPausedUntil?: () => number | null;
  /** Changes are gathered for this long and pushed as one patch. */
  patchEveryMs?: number;
}

export interface SettingsAccess {
  store: Pick<SettingsStore, 'load' | 'save'> & { readonly protection: SecretProtection };
  /** `serve` watches the one source it was started with. */
  sourcesReadOnly: boolean;
  /** Puts saved settings into effect where they can be now (channels, quiet hours). */
  applied: (settings: Settings) => Promise<void> | void;
  /** The sections `applied` puts into effect at once; the others wait for the next start. */
  appliesAtOnce: readonly (keyof Settings)[];
}

class RequestError extends Error {
  readonly code: ApiError['code'];
  readonly issues: ApiIssue[] | undefined;
  constructor(code: ApiError['code'], message: string, issues?: ApiIssue[]) {
    super(message);
    this.code = code;
    this.issues = issues;
  }
}

/** Event types after which what needs attention, or the alerts summary, may have changed. */
const ATTENTION_EVENTS = new Set([
  'run_started',
  'run_completed',
  'run_stalled',
  'run_overdue',
  'run_recovered',
  'run_removed',
]);
const SOURCE_EVENTS = new Set(['source_down', 'source_up']);
/** Where nothing is saved: no secret can be kept. */
const NO_SETTINGS = {} as Settings;
/** A channel to test, checked once its kept secrets are filled in. */
const TESTED_CHANNEL = z.object({ channel: settingsChannelSchema });
type SettingsChannel = z.output<typeof settingsChannelSchema>;

/** `alert` pushes per source and patch, at most: a burst is a count in the patch, not a flood. */
const ALERT_PUSHES = 5;

/**
 * The API contract implemented once for both transports, over the sessions of the watched
 * sources: requests checked and answered (never a throw, never a stack), and every change pushed
 * as a numbered patch, gathered for a moment so a burst of changes is one message.
 */
export class ApiService implements ApiEndpoint {
  private readonly options: ApiServiceOptions;
  private readonly listeners = new Set<(message: PushMessage) => void>();
  private seq = 0;
  private readonly upserts = new Map<string, Snapshot['runs'][number]>();
  private readonly removals = new Map<string, { source: string; run_id: string }>();
  private attentionChanged = false;
  private alertsChanged = false;
  private sourcesChanged = false;
  private pauseChanged = false;
  /** Per source, the last transition whose firing was pushed as an `alert`. */
  private readonly firedSeen = new Map<string, number>();
  private timer: ReturnType<Clock['setTimeout']> | null = null;
  private readonly rests = new SnapshotRests();

  constructor(options: ApiServiceOptions) {
    this.options = options;
    for (const source of options.sources) {
      const { session } = source;
      this.firedSeen.set(source.name, session.store.alerts.lastLogId());
      session.monitor.runViews.onChange((changes) => {
        for (const view of changes.upsert) {
          const key = `${source.name}\n${view.run_id}`;
          this.removals.delete(key);
          this.upserts.set(key, view);
        }
        for (const runId of changes.remove) {
          const key = `${source.name}\n${runId}`;
          this.upserts.delete(key);
          this.removals.set(key, { source: source.name, run_id: runId });
        }
        this.schedule();
      });
      session.bus.onAny((event) => {
        this.sourcesChanged ||= SOURCE_EVENTS.has(event.type);
        this.attentionChanged ||= ATTENTION_EVENTS.has(event.type);
        // Any event can fire or resolve an alert, or change what waits to be delivered.
        this.alertsChanged = true;
        this.schedule();
      });
    }
  }

  subscribe(listener: (message: PushMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async handle(request: unknown): Promise<ApiReply<RequestName>> {
    const checked = checkRequest(request);
    if (!checked.ok) return { ok: false, error: checked.error };
    try {
      const result = await this.run(checked.name, checked.params);
      return { ok: true, result } as ApiReply<RequestName>;
    } catch (error) {
      if (error instanceof RequestError) {
        const { code, message, issues } = error;
        return { ok: false, error: { code, message, ...(issues ? { issues } : {}) } };
      }
      this.options.log.error(`API request ${checked.name} failed: ${errorMessage(error)}`);
      return { ok: false, error: { code: 'failed', message: errorMessage(error) } };
    }
  }

  /** The desktop notifications were paused or resumed: the UI hears it with the next patch. */
  notificationsPauseChanged(): void {
    this.pauseChanged = true;
    this.schedule();
  }

  /** Stops pushing; the sessions are the caller's to stop. */
  close(): void {
    if (this.timer !== null) this.options.clock.clearTimeout(this.timer);
    this.timer = null;
    this.listeners.clear();
  }

  private async run(name: RequestName, params: unknown): Promise<Results[RequestName]> {
    switch (name) {
      case 'snapshot':
        return this.snapshot(params as CheckedParams<'snapshot'>);
      case 'snapshotRest': {
        const { cursor } = params as CheckedParams<'snapshotRest'>;
        const rest = this.rests.take(cursor, this.options.clock.now());
        if (!rest) throw new RequestError('not_found', 'that snapshot is gone: ask for a new one');
        return rest;
      }
      case 'finishedRuns':
        return this.finishedRuns(params as CheckedParams<'finishedRuns'>);
      case 'runDetail':
        return this.runDetail(params as CheckedParams<'runDetail'>);
      case 'pipelineHistory': {
        const { source, pipeline, limit } = params as CheckedParams<'pipelineHistory'>;
        return this.source(source).session.store.history.pipelineHistory(pipeline, limit);
      }
      case 'alertHistory':
        return this.alertHistory(params as CheckedParams<'alertHistory'>);
      case 'openArchiveFolder':
        return this.openArchiveFolder(params as CheckedParams<'openArchiveFolder'>);
      case 'chooseDatabase':
        return this.chooseDatabase();
      case 'showRunFile':
        return this.showRunFile(params as CheckedParams<'showRunFile'>);
      case 'listSilences':
        return this.listSilences();
      case 'addSilence':
        return this.addSilence(params as CheckedParams<'addSilence'>);
      case 'removeSilence': {
        const { source, id } = params as CheckedParams<'removeSilence'>;
        const session = this.source(source).session;
        const removed = session.store.alerts.removeSilence(id);
        session.alerts.engine.silencesChanged();
        return { removed };
      }
      case 'acknowledge':
        return this.acknowledge(params as CheckedParams<'acknowledge'>);
      case 'testChannel':
        return this.testChannel(params as CheckedParams<'testChannel'>);
      case 'getSettings':
        return this.getSettings();
      case 'saveSettings':
        return this.saveSettings(params as CheckedParams<'saveSettings'>);
    }
  }

  private source(name: string): ApiSource {
    const source = this.options.sources.find((candidate) => candidate.name === name);
    if (!source) throw new RequestError('not_found', `no source named "${name}"`);
    return source;
  }

  private sourcesOf(name: string | undefined): readonly ApiSource[] {
    return name === undefined ? this.options.sources : [this.source(name)];
  }

  /**
   * Pending changes go out first, so the snapshot's `seq` covers everything in it. With `first`,
   * the runs beyond the first screen are kept for `snapshotRest`, as of this `seq`.
   */
  private snapshot({ first }: CheckedParams<'snapshot'>): Snapshot {
    this.flush();
    const now = this.options.clock.now();
    const at = toIso(now);
    const { sources } = this.options;
    let runs: ActiveRunStatus[];
    let more: Snapshot['more'];
    const observed = sources.flatMap((source) => source.session.monitor.runViews.observed());
    if (first !== undefined && observed.length > first) {
      // Only the first screen is brought up to now: the rest's times are worked out from `at`.
      const ordered = orderActiveRuns(observed);
      const rest = ordered.slice(first);
      runs = ordered.slice(0, first).map((run) => asOf(run, now));
      more = { cursor: this.rests.keep(rest, at, now), runs: countRuns(rest) };
    } else {
      runs = observed.map((run) => asOf(run, now));
    }
    return {
      seq: this.seq,
      at,
      transport: this.options.transport,
      sources: sources.map(sourceView),
      runs,
      attention: sources.flatMap((source) => source.session.store.attention(source.name)),
      alerts: Object.fromEntries(sources.map((source) => [source.name, alertsView(source)])),
      notifications_paused_until: this.pausedUntil(),
      ...(more && { more }),
    };
  }

  private pausedUntil(): string | null {
    const until = this.options.notificationsPausedUntil?.() ?? null;
    return until === null ? null : toIso(until);
  }

  private finishedRuns(params: CheckedParams<'finishedRuns'>): Results['finishedRuns'] {
    const { before, limit, ...filter } = params;
    return mergedPage(
      this.sourcesOf(params.source).map((source) => ({
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
  }

  private runDetail(params: CheckedParams<'runDetail'>): Results['runDetail'] {
    const source = this.source(params.source);
    const now = this.options.clock.now();
    const { monitor, store } = source.session;
    const active = monitor.runViews.get(params.run_id, now);
    // Without an attempt, a run that runs again is shown as it runs, not as it last finished.
    const attempt = params.attempt ?? active?.attempt;
    const detail = store.history.runDetail(params.run_id, attempt, now);
    if (!detail && !active) return null;
    const current =
      active && active.attempt === (detail?.attempt ?? active.attempt) ? active : null;
    const steps = current ? liveSteps(monitor.source, params.run_id) : (detail?.steps ?? []);
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
  }

  private alertHistory(params: CheckedParams<'alertHistory'>): Results['alertHistory'] {
    return mergedPage(
      this.sourcesOf(params.source).map((source) => ({
        name: source.name,
        read: (from) => this.deliveries(source, params, from),
      })),
      params.before,
      params.limit,
      (a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id,
    );
  }

  /** One source's latest deliveries before the row id `from`, newest first. */
  private deliveries(
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

  private async chooseDatabase(): Promise<Results['chooseDatabase']> {
    const { chooseDatabase } = this.options.files;
    if (!chooseDatabase) {
      throw new RequestError('unavailable', 'a file dialog opens only in the desktop app');
    }
    return { path: await chooseDatabase() };
  }

  private async openArchiveFolder(
    params: CheckedParams<'openArchiveFolder'>,
  ): Promise<Results['openArchiveFolder']> {
    const source = this.source(params.source);
    const { openFolder } = this.options.files;
    if (!openFolder) {
      throw new RequestError('unavailable', 'folders open only in the desktop app');
    }
    const folder = insideDataDir(source.session.dataDir, 'archive');
    if (!folder) throw new RequestError('not_found', 'nothing has been archived yet');
    return { opened: await openFolder(folder) };
  }

  private async showRunFile(params: CheckedParams<'showRunFile'>): Promise<Results['showRunFile']> {
    const source = this.source(params.source);
    const finished = source.session.store.history.finishedRun(params.run_id, params.attempt);
    const what = params.file === 'zip' ? 'archive' : 'report';
    const file = params.file === 'zip' ? finished?.archive?.path : finished?.report;
    // Only what Runwatch wrote in this source's data dir is ever opened or offered.
    const inside = file ? insideDataDir(source.session.dataDir, file) : null;
    if (!inside) {
      throw new RequestError(
        'not_found',
        `run ${params.run_id} (attempt ${params.attempt}) has no ${what}`,
      );
    }
    return this.options.files.showFile(inside);
  }

  private listSilences(): Results['listSilences'] {
    const now = this.options.clock.now();
    return this.options.sources.flatMap((source) =>
      source.session.store.alerts.storedSilences(now).map((row) => ({
        source: source.name,
        id: row.id,
        match: JSON.parse(row.match) as Record<string, unknown>,
        until: toIso(row.until),
        comment: row.comment,
      })),
    );
  }

  private addSilence(params: CheckedParams<'addSilence'>): Results['addSilence'] {
    const session = this.source(params.source).session;
    const until = Date.parse(params.until);
    const now = this.options.clock.now();
    if (until <= now) throw new RequestError('invalid', 'addSilence: until: must be in the future');
    const problems = matchProblems(params.match);
    if (problems.length > 0) {
      const text = problems.map(
        (problem) => `${['match', ...problem.path].join('.')}: ${problem.message}`,
      );
      throw new RequestError('invalid', `addSilence: ${text.join('; ')}`);
    }
    const id = session.store.alerts.addSilence(
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
  }

  private acknowledge(params: CheckedParams<'acknowledge'>): Results['acknowledge'] {
    const now = this.options.clock.now();
    let acknowledged = 0;
    for (const source of this.sourcesOf(params.source)) {
      acknowledged += source.session.store.acknowledge(params.target, now);
    }
    this.attentionChanged = true;
    this.schedule();
    return { acknowledged };
  }

  private settingsAccess(): SettingsAccess {
    const access = this.options.settings;
    if (!access) throw new RequestError('unavailable', 'there are no settings to edit here');
    return access;
  }

  private async getSettings(): Promise<Results['getSettings']> {
    const access = this.settingsAccess();
    const protection = access.store.protection;
    // Told apart from other failures: only then may the window offer to start over.
    const settings = await access.store.load().catch((error: unknown) => {
      if (error instanceof ConfigError) throw new RequestError('unreadable', error.message);
      throw error;
    });
    const sections = Object.keys(settings) as (keyof Settings)[];
    return {
      settings: maskSecrets(settings),
      in_force: this.options.sources.map(({ name, session }) =>
        thresholdsInForce(name, session.configFile, session.settings),
      ),
      applies: {
        now: sections.filter((section) => access.appliesAtOnce.includes(section)),
        at_restart: sections.filter((section) => !access.appliesAtOnce.includes(section)),
      },
      protection,
      notice: protectionNotice(protection),
      sources_read_only: access.sourcesReadOnly,
    };
  }

  /**
   * The saved settings, or null where there are none to keep secrets from: no settings here, or
   * a file that cannot be read (corrupt, or a secret that no longer decrypts), which is what
   * saving from the window replaces — its secrets must be entered again.
   */
  private async savedSettings(): Promise<Settings | null> {
    const access = this.options.settings;
    if (!access) return null;
    return access.store.load().catch((error: unknown) => {
      if (error instanceof ConfigError) return null;
      throw error;
    });
  }

  private async saveSettings(
    params: CheckedParams<'saveSettings'>,
  ): Promise<Results['saveSettings']> {
    const access = this.settingsAccess();
    const stored = await this.savedSettings();
    const input = keepSecrets(params.settings, stored ?? NO_SETTINGS);
    // Where the sources cannot change, what the UI sends for them is not taken.
    if (access.sourcesReadOnly && stored) input.sources = stored.sources;
    let saved: Settings;
    try {
      saved = await access.store.save(input as SettingsInput);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      const problems = error.problems.map((problem) => problem.message);
      const issues =
        error instanceof SettingsError
          ? error.issues.map(({ path, message, key }) => ({
              path: path.map((part) => (typeof part === 'number' ? part : String(part))),
              message,
              ...(key ? { key } : {}),
            }))
          : undefined;
      throw new RequestError('invalid', `saveSettings: ${problems.join('; ')}`, issues);
    }
    await access.applied(saved);
    // Channels and quiet hours now in effect change which channels are inactive.
    this.alertsChanged = true;
    this.schedule();
    return { saved: true };
  }

  private async testChannel(params: CheckedParams<'testChannel'>): Promise<Results['testChannel']> {
    const channel = await this.enteredChannel(params);
    const setup = createChannelSender(channel, this.options.channels);
    if ('inactive' in setup) throw new RequestError('unavailable', setup.inactive);
    const { result, latencyMs } = await sendTestAlert(channel.type, setup.sender);
    return {
      ok: result.ok,
      latency_ms: latencyMs,
      status: result.status ?? null,
      error: result.ok ? null : result.error,
    };
  }

  /**
   * The channel to test: as entered, each secret still `SECRET_KEPT` taken from the saved channel
   * of the same name by the rule `saveSettings` keeps them with, then checked in full. A kept
   * secret with nothing saved behind it is refused rather than sent empty.
   */
  private async enteredChannel(params: CheckedParams<'testChannel'>): Promise<SettingsChannel> {
    const key = params.name ?? '';
    const input = { channels: { [key]: params.channel } };
    const stored = (params.name === undefined ? null : await this.savedSettings()) ?? NO_SETTINGS;
    const unkept = unkeptSecrets(input, stored)[0];
    if (unkept) {
      const field = ['channel', ...unkept.slice(2)].join('.');
      throw new RequestError(
        'invalid',
        `testChannel: ${field}: no saved secret to keep; enter it again`,
      );
    }
    const filled = keepSecrets(input, stored).channels as Record<string, unknown>;
    const checked = TESTED_CHANNEL.safeParse({ channel: filled[key] });
    if (!checked.success) {
      const invalid = invalidParams('testChannel', checked.error);
      throw new RequestError(invalid.code, invalid.message);
    }
    return checked.data.channel;
  }

  private schedule(): void {
    if (this.timer !== null || this.listeners.size === 0) return;
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = null;
      this.flush();
    }, this.options.patchEveryMs ?? 100);
  }

  /** Pushes what changed since the last patch as the next one. */
  private flush(): void {
    if (this.timer !== null) this.options.clock.clearTimeout(this.timer);
    this.timer = null;
    const changed =
      this.upserts.size > 0 ||
      this.removals.size > 0 ||
      this.attentionChanged ||
      this.alertsChanged ||
      this.sourcesChanged ||
      this.pauseChanged;
    if (!changed) return;
    const { sources } = this.options;
    const patch: Patch = { seq: ++this.seq, at: toIso(this.options.clock.now()) };
    if (this.upserts.size > 0 || this.removals.size > 0) {
      patch.runs = { upsert: [...this.upserts.values()], remove: [...this.removals.values()] };
    }
    if (this.attentionChanged) {
      patch.attention = sources.flatMap((source) => source.session.store.attention(source.name));
    }
    if (this.alertsChanged) {
      patch.alerts = Object.fromEntries(sources.map((source) => [source.name, alertsView(source)]));
    }
    if (this.sourcesChanged) patch.sources = sources.map(sourceView);
    if (this.pauseChanged) patch.notifications_paused_until = this.pausedUntil();
    this.upserts.clear();
    this.removals.clear();
    this.attentionChanged = false;
    this.alertsChanged = false;
    this.sourcesChanged = false;
    this.pauseChanged = false;
    for (const listener of this.listeners) listener({ type: 'patch', patch });
    this.pushFired();
  }

  /**
   * Each alert that fired since the last patch, once, however many channels it went to — read
   * from the committed transition log. A burst pushes the first few; the patch shows the rest.
   */
  private pushFired(): void {
    for (const source of this.options.sources) {
      const alerts = source.session.store.alerts;
      const seen = this.firedSeen.get(source.name) ?? 0;
      const fired = alerts.firedSince(seen, ALERT_PUSHES + 1);
      if (fired.length === 0) continue;
      this.firedSeen.set(
        source.name,
        fired.length > ALERT_PUSHES ? alerts.lastLogId() : (fired.at(-1)?.id ?? seen),
      );
      for (const alert of fired.slice(0, ALERT_PUSHES)) {
        const message: PushMessage = {
          type: 'alert',
          source: source.name,
          severity: alert.severity,
          title: alert.event ? describeEvent(alert.event) : alert.rule,
          run_id: typeof alert.event?.run_id === 'string' ? alert.event.run_id : null,
        };
        for (const listener of this.listeners) listener(message);
      }
    }
  }
}
