import type { ObservedRun, StepRow } from '../../electron/core/source/source-rows.ts';
import { makeDetectContext } from '../../electron/core/monitor/detect-context.ts';
import {
  resolveMonitorSettings,
  type SettingsLayer,
} from '../../electron/core/monitor/monitor-settings.ts';
import type { DetectContext } from '../../electron/core/monitor/run-detector.ts';

export const T0 = Date.UTC(2026, 10, 25, 16, 0, 0);

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A run as a read of the default schema returns it. */
export function observed(
  runId: string,
  fields: Partial<Omit<ObservedRun, 'steps'>> & {
    steps?: (Partial<StepRow> & { stepId: string })[];
  } = {},
): ObservedRun {
  const { steps = [], ...run } = fields;
  return {
    rowid: 1,
    runId,
    pipeline: 'etl',
    status: 'running',
    createdAt: iso(T0),
    startedAt: iso(T0),
    updatedAt: iso(T0),
    finishedAt: null,
    artifactsDir: null,
    ...run,
    steps: steps.map((step, position) => ({
      name: step.stepId,
      position,
      status: 'pending',
      startedAt: null,
      updatedAt: iso(T0),
      finishedAt: null,
      message: null,
      ...step,
    })),
  };
}

export function context(
  now: number,
  options: { live?: boolean; offset?: number; config?: SettingsLayer; stallAfter?: number } = {},
): DetectContext {
  const settings = resolveMonitorSettings({
    flags: options.stallAfter === undefined ? {} : { stallAfter: options.stallAfter },
    ...(options.config ? { config: options.config } : {}),
  });
  return makeDetectContext(settings, 'orch', options.offset ?? 0, now, options.live ?? true);
}
