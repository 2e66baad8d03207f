import type { MonitorSettings } from './monitor-settings.ts';
import type { DetectContext } from './run-detector.ts';

/** The detector's view of now: thresholds from settings, database times offset-corrected and clamped. */
export function makeDetectContext(
  settings: MonitorSettings,
  source: string,
  offsetMs: number,
  now: number,
  live: boolean,
  finishOnSteps = true,
): DetectContext {
  return {
    now,
    source,
    live,
    finishOnSteps,
    settle: settings.settle,
    staleAfter: settings.staleAfter,
    maxAlertAge: settings.maxAlertAge,
    thresholds: (pipeline) => settings.thresholds(pipeline),
    toLocal: (ms) => (ms === null ? null : Math.min(ms + offsetMs, now)),
  };
}
