import { errorMessage } from '../../shared/error-message.ts';
import type { Logger } from '../core/log.ts';
import type { Clock } from '../core/time/clock.ts';

/** What the quit sequence needs of Electron's `app`. */
export interface QuitApp {
  on(event: 'before-quit', listener: (event: { preventDefault(): void }) => void): unknown;
  quit(): void;
}

export interface QuitSequenceOptions {
  app: QuitApp;
  /** Stops the monitors, jobs and deliveries: what is in flight resumes at the next start. */
  stop(): Promise<void>;
  log: Logger;
  clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>;
  /** A stop that hangs this long no longer holds the quit. */
  timeoutMs?: number;
}

/**
 * A clean quit, whatever asked for it (the tray, the OS, a signal): the first `before-quit` is
 * held while everything stops, then the app quits for real. Requests to quit meanwhile wait for
 * the same stop.
 */
export function installQuitSequence(options: QuitSequenceOptions): void {
  const { app, log, clock } = options;
  let state: 'running' | 'stopping' | 'stopped' = 'running';
  app.on('before-quit', (event) => {
    if (state === 'stopped') return;
    event.preventDefault();
    if (state === 'stopping') return;
    state = 'stopping';
    let timer: ReturnType<typeof clock.setTimeout> | null = null;
    const timedOut = new Promise<void>((resolve) => {
      timer = clock.setTimeout(() => {
        log.warn(
          'stopping took too long; quitting anyway (unfinished work resumes at the next start)',
        );
        resolve();
      }, options.timeoutMs ?? 20_000);
    });
    const stopped = options.stop().catch((error: unknown) => {
      log.error(`stopping failed: ${errorMessage(error)}`);
    });
    void Promise.race([stopped, timedOut]).then(() => {
      if (timer !== null) clock.clearTimeout(timer);
      state = 'stopped';
      app.quit();
    });
  });
}
