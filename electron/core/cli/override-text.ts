import { formatDuration } from '../../../shared/duration.ts';
import type { PipelineOverride } from '../monitor/monitor-settings.ts';

/** A per-pipeline override as the start-up log and `check-config` print it. */
export function overrideText(override: PipelineOverride): string {
  const values = [
    ...(override.stallAfter !== undefined
      ? [`stall_after ${formatDuration(override.stallAfter)}`]
      : []),
    ...(override.maxDuration !== undefined
      ? [`max_duration ${formatDuration(override.maxDuration)}`]
      : []),
  ];
  return `${override.pattern} (${values.join(', ') || 'nothing set'})`;
}
