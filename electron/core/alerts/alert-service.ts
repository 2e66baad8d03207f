import fs from 'node:fs';
import path from 'node:path';
import { formatDuration } from '../../../shared/duration.ts';
import type { EventDraft } from '../../../shared/events.ts';
import { errorMessage } from '../../../shared/error-message.ts';
import { ConfigError, formatProblem } from '../config/yaml-validate.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { Logger } from '../log.ts';
import type { StateStore } from '../store/state-store.ts';
import type { Clock, TimerHandle } from '../time/clock.ts';
import {
  inactiveChannels,
  rulesWithoutActiveChannel,
  someNames,
  type AlertConfig,
  type AlertLayer,
} from './alert-config.ts';
import { AlertDispatcher } from './alert-dispatcher.ts';
import { AlertEngine } from './alert-engine.ts';
import { activateChannels } from './channel-senders.ts';
import type { ChannelSender } from './channels/channel.ts';
import type { ChannelDeps } from './channels/channel-factory.ts';
import type { RunwatchConfig } from './config-file.ts';
import { HeartbeatPinger } from './heartbeat.ts';
import { makeRedactor } from './redact.ts';

/** Editors save in bursts (write, rename, chmod): one reload after the burst. */
const RELOAD_SETTLE_MS = 200;
/** Alert history (deliveries, attempts, transitions, ended alerts) is kept this long. */
export const ALERT_HISTORY_MS = 30 * 86_400_000;
const PRUNE_EVERY_MS = 6 * 3_600_000;

export interface AlertServiceOptions {
  store: StateStore;
  bus: EventBus;
  /** Loaded with `layer` over the file. */
  config: RunwatchConfig;
  /**
   * Re-reads the config file with the given layer over it, for hot reload; throws ConfigError on
   * a broken edit.
   */
  reload: ((layer: AlertLayer) => RunwatchConfig) | null;
  /** The settings window's channels and quiet hours; none: the file alone. */
  layer?: AlertLayer;
  channels: ChannelDeps;
  clock: Clock;
  log: Logger;
  source: string;
  stallAfterFor: (pipeline: string) => number;
  healthy: () => boolean;
  /** How long the alert history is kept (`keep_history`); default `ALERT_HISTORY_MS`. */
  keepHistory?: number;
}

/** Rules named one a line, at most this many; the rest in one line. */
const RULE_LINES = 20;

/** Lines that say which channels cannot send and which rules therefore tell nobody. */
export function describeInactive(config: AlertConfig): { channels: string[]; rules: string[] } {
  const channels = inactiveChannels(config).map(({ channel, why, rules }) => {
    const lost = rules.length > 0 ? ` (rules that lose it: ${someNames(rules)})` : '';
    return `channel ${channel} is inactive: ${why}${lost}`;
  });
  const silent = rulesWithoutActiveChannel(config);
  const rules = silent
    .slice(0, RULE_LINES)
    .map(
      (rule) =>
        `rule ${rule.name} has no active channel (${someNames(rule.channels)}): its alerts reach nobody`,
    );
  if (silent.length > RULE_LINES) {
    rules.push(
      `${silent.length - RULE_LINES} more rules have no active channel: ${someNames(silent.slice(RULE_LINES).map((rule) => rule.name))}`,
    );
  }
  return { channels, rules };
}

/**
 * The alert engine of one source, wired up: rules run inside the transaction that records each
 * event, deliveries start after it commits, the config reloads when its file changes, and the
 * heartbeat is requested while the source is healthy.
 */
export class AlertService {
  readonly engine: AlertEngine;
  private readonly options: AlertServiceOptions;
  private readonly dispatcher: AlertDispatcher;
  private readonly heartbeat: HeartbeatPinger;
  private senders: Map<string, ChannelSender>;
  private redact: (text: string) => string;
  private layer: AlertLayer;
  private configText: string | null = null;
  private watcher: fs.FSWatcher | null = null;
  private reloadTimer: TimerHandle | null = null;
  private pruneTimer: TimerHandle | null = null;
  private stopped = false;
  private wakeQueued = false;
  private unsubscribe: (() => void) | null = null;

  constructor(options: AlertServiceOptions) {
    this.options = options;
    this.layer = options.layer ?? {};
    const { config, senders } = activateChannels(options.config.alerts, options.channels);
    this.senders = senders;
    this.redact = makeRedactor(config.secrets);
    this.engine = new AlertEngine({
      table: options.store.alerts,
      config,
      now: () => options.clock.now(),
      stallAfterFor: options.stallAfterFor,
    });
    this.dispatcher = new AlertDispatcher({
      table: options.store.alerts,
      engine: this.engine,
      transaction: (write) => options.store.transaction(write),
      record: (drafts) => options.store.record((insert) => insert(drafts)),
      publish: (events) => options.bus.publish(events),
      senders: () => this.senders,
      clock: options.clock,
      storeId: options.store.storeId(),
      source: options.source,
      redact: (text) => this.redact(text),
      log: options.log,
    });
    this.heartbeat = new HeartbeatPinger({
      heartbeat: config.heartbeat,
      clock: options.clock,
      log: options.log,
      healthy: options.healthy,
      redact: (text) => this.redact(text),
    });
  }

  get config(): AlertConfig {
    return this.engine.currentConfig;
  }

  start(): void {
    const { store, bus, log } = this.options;
    store.onEventsRecorded((events) => {
      // A fault in the rules must not stop the monitor from committing what it saw.
      try {
        store.savepoint(() => this.engine.handle(events));
      } catch (error) {
        log.error(
          `alert rules failed on ${events.map((event) => event.type).join(', ')}: ${this.redact(errorMessage(error))}`,
        );
      }
    });
    this.unsubscribe = bus.onAny(() => this.wakeSoon());
    const { channels, rules } = describeInactive(this.config);
    for (const line of channels) log.warn(line);
    for (const line of rules) log.warn(line);
    this.dispatcher.start();
    this.heartbeat.start();
    this.watchConfig();
    this.prune();
  }

  /**
   * Drops history past `ALERT_HISTORY_MS`, a chunk per transaction with a yield between, so the
   * main thread is never held for long; then again in six hours.
   */
  private prune(): void {
    const { store, clock, log } = this.options;
    const keep = this.options.keepHistory ?? ALERT_HISTORY_MS;
    const before = clock.now() - keep;
    let removed = 0;
    const step = () => {
      if (this.stopped) return;
      try {
        const chunk = store.transaction(() => store.alerts.pruneChunk(before));
        removed += chunk;
        if (chunk > 0) {
          setImmediate(step);
          return;
        }
        if (removed > 0) {
          log.info(`removed ${removed} alert history rows older than ${formatDuration(keep)}`);
        }
      } catch (error) {
        log.warn(`alert history could not be pruned: ${errorMessage(error)}`);
      }
      this.pruneTimer = clock.setTimeout(() => this.prune(), PRUNE_EVERY_MS);
    };
    step();
  }

  /** Resolves when no delivery is in flight or due now. */
  idle(): Promise<void> {
    return this.dispatcher.idle();
  }

  /** Delivers what waits for a group window now, then resolves when nothing is in flight. */
  async flush(): Promise<void> {
    this.dispatcher.flushGroups();
    await this.dispatcher.idle();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    if (this.reloadTimer !== null) this.options.clock.clearTimeout(this.reloadTimer);
    if (this.pruneTimer !== null) this.options.clock.clearTimeout(this.pruneTimer);
    this.unsubscribe?.();
    this.options.store.onEventsRecorded(null);
    await Promise.all([this.dispatcher.stop(), this.heartbeat.stop()]);
  }

  /** Events publish in a burst after each commit: one delivery pass for the burst. */
  private wakeSoon(): void {
    if (this.wakeQueued) return;
    this.wakeQueued = true;
    queueMicrotask(() => {
      this.wakeQueued = false;
      this.dispatcher.wake();
    });
  }

  private emit(drafts: EventDraft[]): void {
    const published = this.options.store.record((insert) => insert(drafts));
    this.options.bus.publish(published);
  }

  private watchConfig(): void {
    const { reload, config } = this.options;
    if (!reload) return;
    try {
      this.configText = fs.readFileSync(config.file, 'utf8');
      const base = path.basename(config.file);
      this.watcher = fs.watch(path.dirname(config.file), (_, name) => {
        if (name === null || name === base) this.scheduleReload();
      });
      this.watcher.on('error', () => this.watcher?.close());
    } catch (error) {
      this.options.log.warn(`config changes will not be noticed: ${errorMessage(error)}`);
    }
  }

  private scheduleReload(): void {
    const { clock } = this.options;
    if (this.reloadTimer !== null) clock.clearTimeout(this.reloadTimer);
    this.reloadTimer = clock.setTimeout(() => {
      this.reloadTimer = null;
      this.reloadNow();
    }, RELOAD_SETTLE_MS);
  }

  /**
   * Layers the settings window's channels and quiet hours saved just now over the config file,
   * in effect at once (monitoring settings wait for the next start).
   */
  useAlertLayer(layer: AlertLayer): void {
    this.layer = layer;
    this.reloadConfig(true);
  }

  /** Applies an edited config; a broken one keeps the last good and raises `config_error`. */
  reloadNow(): void {
    this.reloadConfig(false);
  }

  /** With `force`, it reloads though the file is unchanged: the layer over it changed. */
  private reloadConfig(force: boolean): void {
    const { reload, log, config: initial } = this.options;
    if (!reload) return;
    let text: string;
    try {
      text = fs.readFileSync(initial.file, 'utf8');
    } catch {
      // A save in progress (removed, not yet renamed back): the next change event rereads it.
      return;
    }
    if (!force && text === this.configText) return;
    this.configText = text;
    let next: RunwatchConfig;
    try {
      next = reload(this.layer);
    } catch (error) {
      const errors =
        error instanceof ConfigError
          ? error.problems.map(formatProblem)
          : [`${initial.file}: ${errorMessage(error)}`];
      log.error(`${initial.file} is invalid; the last good config stays:`);
      for (const line of errors) log.error(`  ${line}`);
      this.emit([
        {
          type: 'config_error',
          source: this.options.source,
          at: new Date(this.options.clock.now()).toISOString(),
          file: initial.file,
          errors,
        },
      ]);
      return;
    }
    const { config, senders } = activateChannels(next.alerts, this.options.channels);
    this.senders = senders;
    this.redact = makeRedactor(config.secrets);
    this.engine.setConfig(config);
    this.heartbeat.setHeartbeat(config.heartbeat);
    log.info(
      `config reloaded: ${config.rules.length} rules, ${config.channels.size} channels (monitoring settings apply at the next start)`,
    );
    const { channels, rules } = describeInactive(config);
    for (const line of [...channels, ...rules]) log.warn(line);
    this.dispatcher.recheckHolds();
  }
}
