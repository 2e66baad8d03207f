import { formatBytes } from '../../shared/bytes.ts';
import type { DashboardBenchResult } from './dashboard-result.ts';
import type { Distribution } from './stats.ts';

const ms = (value: number) => `${value.toFixed(0)} ms`;
const row = (label: string, d: Distribution) =>
  `  ${label.padEnd(34)} median ${ms(d.median).padStart(8)}   p99 ${ms(d.p99).padStart(8)}   max ${ms(d.max).padStart(8)}   (n=${d.count})`;

export function formatDashboardReport(result: DashboardBenchResult): string {
  const { bytes } = result;
  return [
    `Dashboard in Chromium, ${result.runs.toLocaleString('en')} active runs`,
    row('first render of the Active list', result.firstRenderMs),
    row('every run in the list', result.allRunsMs),
    row('database change to row on screen', result.changeToScreenMs),
    `  snapshot read by the page            first screen ${formatBytes(bytes.firstScreen)} + rest ` +
      `${formatBytes(bytes.rest)}   whole snapshot in one piece (baseline) ${formatBytes(bytes.snapshot)}`,
    `  bytes pushed per single-run change  ${formatBytes(Math.round(bytes.perChange))}` +
      `   ${(bytes.snapshot / bytes.perChange).toFixed(0)}× less than the whole snapshot (over ${bytes.changes} changes)`,
  ].join('\n');
}
