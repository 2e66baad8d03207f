import { errorMessage } from '../../../shared/error-message.ts';
import type { Logger } from '../log.ts';
import { describeFetchFailure } from './channels/fetch-failure.ts';
import type { Clock, TimerHandle } from '../time/clock.ts';
import type { Heartbeat } from './alert-config.ts';

const TIMEOUT_MS = 10_000;

/**
 * Requests the heartbeat URL every `every` while Runwatch is healthy, so a healthchecks.io-style
 * service notices when the monitor itself has died or lost its database.
 */
export class HeartbeatPinger {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly healthy: () => boolean;
  private readonly redact: (text: string) => string;
  private heartbeat: Heartbeat | null;
  private timer: TimerHandle | null = null;
  private failing = false;
  private stopped = false;
  private inFlight: Promise<void> | null = null;

  constructor(options: {
    heartbeat: Heartbeat | null;
    clock: Clock;
    log: Logger;
    healthy: () => boolean;
    redact: (text: string) => string;
  }) {
    this.heartbeat = options.heartbeat;
    this.clock = options.clock;
    this.log = options.log;
    this.healthy = options.healthy;
    this.redact = options.redact;
  }

  start(): void {
    this.schedule(0);
  }

  /** A reloaded config may add, change or drop the heartbeat. */
  setHeartbeat(heartbeat: Heartbeat | null): void {
    this.heartbeat = heartbeat;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    await this.inFlight;
  }

  private schedule(ms: number): void {
    if (this.timer !== null) this.clock.clearTimeout(this.timer);
    this.timer = null;
    const heartbeat = this.heartbeat;
    if (this.stopped || !heartbeat || heartbeat.inactive !== null) return;
    this.timer = this.clock.setTimeout(() => {
      this.timer = null;
      this.inFlight = this.beat(heartbeat).finally(() => {
        this.inFlight = null;
        this.schedule(heartbeat.every);
      });
    }, ms);
  }

  private async beat(heartbeat: Heartbeat): Promise<void> {
    if (!this.healthy()) return;
    let problem: string | null = null;
    let url: URL | null = null;
    try {
      url = new URL(heartbeat.url);
      const response = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
      await response.body?.cancel();
      if (!response.ok) problem = `HTTP ${response.status} from ${url.host}`;
    } catch (error) {
      // The channels' own account of a failed request: the cause, naming only the host.
      problem = url ? describeFetchFailure(error, url).error : errorMessage(error);
    }
    const host = url?.host ?? 'the heartbeat URL';
    if (problem === null) {
      if (this.failing) this.log.info(`heartbeat to ${host} answered again`);
      this.failing = false;
      return;
    }
    if (!this.failing) this.log.warn(`heartbeat to ${host} failed: ${this.redact(problem)}`);
    this.failing = true;
  }
}
