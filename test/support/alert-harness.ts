import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { EventDraft, RunwatchEvent } from '../../shared/events.ts';
import type { AlertLayer } from '../../electron/core/alerts/alert-config.ts';
import { AlertService } from '../../electron/core/alerts/alert-service.ts';
import type {
  DesktopNotice,
  DesktopNotifier,
} from '../../electron/core/alerts/channels/desktop-channel.ts';
import { parseConfig, type RunwatchConfig } from '../../electron/core/alerts/config-file.ts';
import { EventBus } from '../../electron/core/events/event-bus.ts';
import type { Logger } from '../../electron/core/log.ts';
import { StateStore } from '../../electron/core/store/state-store.ts';
import { FakeClock } from './fake-clock.ts';
import { waitFor } from './wait.ts';

/** A desktop that records what it would show. */
export class FakeDesktop implements DesktopNotifier {
  readonly unavailable = null;
  readonly shown: DesktopNotice[] = [];

  notify(notice: DesktopNotice): Promise<void> {
    this.shown.push(notice);
    return Promise.resolve();
  }
}

export const SOURCE = 'orchestration';

/** An alerts.yaml that sends a failed run to the desktop as critical, and nothing else. */
export const FAILED_RUN_TO_DESKTOP = `
channels:
  desktop: { type: desktop }
rules:
  - name: run-failed
    match: { type: run_completed, outcome: failed }
    severity: critical
    channels: [desktop]
`;

/**
 * One source's alert engine over a real state.db, with a fake clock the test moves and a real
 * network: what the monitor would commit is recorded with `emit`, as a monitor cycle does.
 */
export class AlertHarness {
  readonly dir: string;
  readonly clock: FakeClock;
  readonly desktop = new FakeDesktop();
  readonly logs: string[] = [];
  readonly published: RunwatchEvent[] = [];
  configFile: string;
  /** What the monitor would say of the source; the heartbeat is sent only while true. */
  healthy = true;
  store!: StateStore;
  bus!: EventBus;
  service!: AlertService;
  private env: NodeJS.ProcessEnv;

  readonly tls: { ca?: string };

  constructor(
    yaml: string,
    env: NodeJS.ProcessEnv,
    clock = new FakeClock(),
    tls: { ca?: string } = {},
  ) {
    this.tls = tls;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rw-alerts-'));
    this.configFile = path.join(this.dir, 'alerts.yaml');
    fs.writeFileSync(this.configFile, yaml);
    this.env = env;
    this.clock = clock;
    this.open();
  }

  private load(layer: AlertLayer = {}): RunwatchConfig {
    return parseConfig(fs.readFileSync(this.configFile, 'utf8'), this.configFile, {
      env: this.env,
      layer,
    });
  }

  private open(): void {
    this.store = StateStore.open(path.join(this.dir, 'data'));
    this.bus = new EventBus((error) => this.logs.push(`listener failed: ${String(error)}`));
    this.bus.onAny((event) => this.published.push(event));
    const log: Logger = {
      debug: () => {},
      info: (message) => this.logs.push(message),
      warn: (message) => this.logs.push(`warning: ${message}`),
      error: (message) => this.logs.push(`error: ${message}`),
    };
    this.service = new AlertService({
      store: this.store,
      bus: this.bus,
      config: this.load(),
      reload: (layer) => this.load(layer),
      channels: { desktop: this.desktop, ...(this.tls.ca ? { tls: { ca: this.tls.ca } } : {}) },
      clock: this.clock,
      log,
      source: SOURCE,
      stallAfterFor: () => 60_000,
      healthy: () => this.healthy,
    });
    this.service.start();
  }

  /** Commits events as a monitor cycle does, then publishes them; waits for deliveries due now. */
  async emit(...drafts: EventDraft[]): Promise<RunwatchEvent[]> {
    const events = this.store.record((insert) => insert(drafts));
    this.bus.publish(events);
    await this.settle();
    return events;
  }

  /** Moves time; due timers fire and their deliveries finish. */
  async advance(ms: number, step = 1_000): Promise<void> {
    for (let left = ms; left > 0; left -= step) {
      this.clock.advance(Math.min(step, left));
      await this.settle();
    }
  }

  async settle(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    await this.service.idle();
  }

  /** Stops as `watch` does on SIGTERM and starts again over the same state.db. */
  async restart(): Promise<void> {
    await this.service.stop();
    this.store.close();
    this.open();
    await this.settle();
  }

  rewriteConfig(yaml: string): void {
    fs.writeFileSync(this.configFile, yaml);
  }

  eventsOf(type: string): RunwatchEvent[] {
    return this.published.filter((event) => event.type === type);
  }

  async waitForEvent(type: string, count = 1): Promise<RunwatchEvent[]> {
    return waitFor(
      () => (this.eventsOf(type).length >= count ? this.eventsOf(type) : null),
      `${count} ${type}`,
    );
  }

  async close(): Promise<void> {
    await this.service.stop();
    this.store.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  /** A run event as the monitor would record it, detected now. */
  run(
    type: string,
    runId: string,
    extra: Record<string, unknown> = {},
    pipeline = 'etl',
  ): EventDraft {
    const at = new Date(this.clock.now()).toISOString();
    return {
      type,
      source: SOURCE,
      at,
      run_id: runId,
      pipeline,
      attempt: 1,
      occurred_at: at,
      ...extra,
      // Any type with any fields, as the tests need: the union of event types cannot check it.
    } as unknown as EventDraft;
  }

  failed(runId: string, pipeline = 'etl'): EventDraft {
    return this.run(
      'run_completed',
      runId,
      {
        outcome: 'failed',
        duration_s: 42,
        steps_total: 5,
        steps_succeeded: 3,
        steps_failed: 2,
        steps_skipped: 0,
        steps_cancelled: 0,
      },
      pipeline,
    );
  }

  succeeded(runId: string): EventDraft {
    return this.run('run_completed', runId, {
      outcome: 'succeeded',
      duration_s: 60,
      steps_total: 5,
      steps_succeeded: 5,
      steps_failed: 0,
      steps_skipped: 0,
      steps_cancelled: 0,
    });
  }

  stalled(runId: string): EventDraft {
    return this.run('run_stalled', runId, {
      idle_s: 1_800,
      last_progress_at: new Date(this.clock.now() - 1_800_000).toISOString(),
    });
  }

  recovered(runId: string): EventDraft {
    return this.run('run_recovered', runId, { stalled_for_s: 120 });
  }

  source(type: 'source_down' | 'source_up', reason: string): EventDraft {
    return {
      type,
      source: SOURCE,
      at: new Date(this.clock.now()).toISOString(),
      reason,
    } as EventDraft;
  }
}
