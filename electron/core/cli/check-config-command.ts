import { formatDuration } from '../../../shared/duration.ts';
import { someNames, type AlertConfig } from '../alerts/alert-config.ts';
import { describeInactive } from '../alerts/alert-service.ts';
import { parseConfig, type RunwatchConfig } from '../alerts/config-file.ts';
import { ConfigError, readConfigText } from '../config/yaml-validate.ts';
import type { MonitorGlobals } from '../monitor/monitor-settings.ts';
import { activeAlerts } from './active-alerts.ts';
import { checkMappingFile, isMappingText } from './check-mapping.ts';
import { plural, reportConfigError } from './config-problems.ts';
import { overrideText } from './override-text.ts';
import { EXIT_OK } from './cli-errors.ts';

/** The file's names for the monitor settings, in the order ARCHITECTURE.md §7 lists them. */
const MONITOR_NAMES: [keyof MonitorGlobals, string][] = [
  ['stallAfter', 'stall_after'],
  ['sourceGrace', 'source_grace'],
  ['settle', 'settle'],
  ['staleAfter', 'stale_after'],
  ['maxAlertAge', 'max_alert_age'],
  ['keepHistory', 'keep_history'],
];

function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function alertLines(alerts: AlertConfig): string[] {
  const channels = [...alerts.channels.values()];
  const active = channels.filter((channel) => channel.inactive === null).length;
  const { defaults } = alerts;
  const lines = [
    `channels: ${channels.length}, ${active} active${channels.length ? ` (${channels.map((c) => `${c.name}: ${c.type}`).join(', ')})` : ''}`,
    `rules: ${alerts.rules.length}${alerts.rules.length ? ` (${someNames(alerts.rules.map((rule) => rule.name))})` : ''}`,
    `defaults: throttle ${formatDuration(defaults.throttle)}, group_window ${formatDuration(defaults.group_window)}, dedup_key ${defaults.dedup_key}, send_resolved ${defaults.send_resolved}`,
  ];
  const quiet = alerts.quietHours;
  if (quiet) {
    const channels = quiet.channels ? quiet.channels.join(', ') : 'every channel';
    const except = quiet.except ? `, except ${quiet.except} and above` : '';
    lines.push(`quiet hours: ${clock(quiet.from)}-${clock(quiet.to)} local, ${channels}${except}`);
  }
  if (alerts.silences.length > 0) lines.push(`silences: ${alerts.silences.length} in the file`);
  if (alerts.heartbeat) lines.push(`heartbeat: every ${formatDuration(alerts.heartbeat.every)}`);
  return lines;
}

function monitorLines(config: RunwatchConfig): string[] {
  const set = MONITOR_NAMES.flatMap(([key, name]) => {
    const value = config.monitor[key];
    return value === undefined ? [] : [`${name} ${formatDuration(value)}`];
  });
  const lines = [`monitor overrides: ${set.length ? set.join(', ') : 'none (built-in defaults)'}`];
  if (config.pipelines.length === 0) {
    lines.push('pipelines overrides: none');
  } else {
    lines.push(`pipelines overrides: ${config.pipelines.map(overrideText).join('; ')}`);
  }
  return lines;
}

/**
 * `runwatch check-config FILE`, like `amtool check-config`: every problem as
 * `file:line:col: message` and exit 1; else a summary, and warnings for what is valid but sends
 * nothing here (inactive channels, rules left without one), with exit 0.
 */
export async function checkConfigCommand(
  file: string,
  options: { db?: string } = {},
): Promise<number> {
  let config: RunwatchConfig;
  try {
    const { absolute, text } = readConfigText(file);
    if (isMappingText(text)) return await checkMappingFile(absolute, text, options.db);
    config = parseConfig(text, absolute);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return reportConfigError(error);
  }
  const { alerts } = activeAlerts(config);
  const inactive = describeInactive(alerts);
  const warnings = [...inactive.channels, ...inactive.rules];
  if (alerts.heartbeat?.inactive)
    warnings.push(`heartbeat is inactive: ${alerts.heartbeat.inactive}`);
  const summary = [
    `${config.file}: ok${warnings.length ? ` (${plural(warnings.length, 'warning')})` : ''}`,
    ...[...alertLines(alerts), ...monitorLines(config)].map((line) => `  ${line}`),
  ];
  process.stdout.write(`${summary.join('\n')}\n`);
  if (warnings.length > 0) {
    process.stderr.write(`${warnings.map((line) => `warning: ${line}`).join('\n')}\n`);
  }
  return EXIT_OK;
}
