import type { SourceView } from './source-view.ts';
import { summaryLine } from './tray-summary.ts';
import type { TrayStatus } from './tray-status.ts';

export interface TrayState {
  status: TrayStatus;
  /** What the badge counts: the items that need attention. */
  count: number;
  /** One line, e.g. `2 failed, 1 stalled · 5 running`. */
  summary: string;
  /** The tray tooltip on Windows and Linux. */
  tooltip: string;
  /** The text beside the macOS menu-bar icon: the count, or nothing. */
  macTitle: string;
}

/** Windows cuts a tray tooltip at 127 characters; cut it ourselves, visibly. */
const TOOLTIP_MAX = 127;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * The icon's status is the worst of what needs attention, an unreachable source, runs in
 * progress. It follows the attention list, so acknowledging a stall calms the icon too.
 */
function statusOf(sources: readonly SourceView[]): TrayStatus {
  const kinds = new Set(sources.flatMap((source) => source.attention.map((item) => item.kind)));
  if (kinds.has('failed')) return 'failed';
  if (kinds.has('stalled') || kinds.has('overdue')) return 'stalled';
  if (sources.some((source) => !source.reachable)) return 'unreachable';
  if (sources.some((source) => source.runs.length > 0)) return 'running';
  return 'ok';
}

export function trayState(sources: readonly SourceView[]): TrayState {
  const count = sources.reduce((sum, source) => sum + source.attention.length, 0);
  const summary = summaryLine(sources);
  return {
    status: statusOf(sources),
    count,
    summary,
    tooltip: clip(`Runwatch: ${summary}`, TOOLTIP_MAX),
    macTitle: count > 0 ? String(count) : '',
  };
}
