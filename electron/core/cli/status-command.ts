import { formatDuration } from '../../../shared/duration.ts';
import type { AttentionItem } from '../../../shared/attention.ts';
import type { ActiveRunStatus } from '../../../shared/run-status.ts';
import { inactiveChannels, rulesWithoutActiveChannel } from '../alerts/alert-config.ts';
import { activeAlerts } from './active-alerts.ts';
import { readLiveStatus } from '../monitor/live-status.ts';
import { SourceError } from '../source/source-error.ts';
import { schemaChoice } from '../source/builtin-profiles.ts';
import { sourceFor } from '../source/open-source.ts';
import { dataDirHolder } from '../store/data-dir-lock.ts';
import type { JobOverview } from '../store/job-table.ts';
import { StateStore } from '../store/state-store.ts';
import { EXIT_INPUT, EXIT_OK } from './cli-errors.ts';
import { loadSettings } from './load-settings.ts';
import { findSourcePaths } from './source-paths.ts';
import { indent, textTable } from './text-table.ts';

export interface StatusOptions {
  db?: string;
  schema?: string;
  dataDir?: string;
  config?: string;
  json?: boolean;
}

export interface StatusReport {
  source: string;
  db: string;
  data_dir: string;
  /** How the data dir was found: given, the default, or that of the process watching the db. */
  data_dir_from: string;
  /** pid of the `watch` holding the data dir; -1 when it holds it but its pid is unknown. */
  watched_by: number | null;
  /** Why the database cannot be read now, or null. */
  error: string | null;
  source_down_since: string | null;
  runs: ActiveRunStatus[];
  attention: AttentionItem[];
  /** Archive and report jobs: how many wait, and failures no later try has made good. */
  jobs: JobOverview;
  alerts: AlertsStatus;
}

export interface AlertsStatus {
  /** Alerts firing now (conditions not yet resolved). */
  firing: number;
  /** Deliveries not yet made: due, retrying, grouped or held. */
  pending_deliveries: number;
  /** Channels that cannot send, why, and the rules that use them. */
  inactive_channels: { channel: string; why: string; rules: string[] }[];
  /** Rules whose channels are all inactive: their alerts reach nobody. */
  rules_without_channel: string[];
  /** Channels whose deliveries keep failing. */
  failing: { channel: string; since: string; error: string }[];
}

/** Failures listed by `status`, newest first. */
const FAILED_JOBS_SHOWN = 10;

function time(iso: string): string {
  return new Date(iso).toLocaleString();
}

function stateOf(run: ActiveRunStatus): string {
  if (run.stalled_since) return 'STALLED';
  if (run.overdue_since) return 'OVERDUE';
  return run.stale ? 'stale' : '';
}

function renderAlerts(alerts: AlertsStatus): string[] {
  const lines = [
    `alerts: ${alerts.firing} firing, ${alerts.pending_deliveries} deliver${alerts.pending_deliveries === 1 ? 'y' : 'ies'} waiting`,
  ];
  for (const failing of alerts.failing) {
    lines.push(
      `DELIVERY FAILING to ${failing.channel} since ${time(failing.since)}: ${failing.error}`,
    );
  }
  for (const rule of alerts.rules_without_channel) {
    lines.push(`ERROR: rule ${rule} has no active channel: its alerts reach nobody`);
  }
  for (const { channel, why, rules } of alerts.inactive_channels) {
    const lost = rules.length > 0 ? ` (rules that lose it: ${rules.join(', ')})` : '';
    lines.push(`channel ${channel} is inactive: ${why}${lost}`);
  }
  return lines;
}

export function renderStatus(report: StatusReport): string {
  const lines: string[] = [];
  lines.push(`source ${report.source}: ${report.db}`);
  lines.push(
    report.watched_by === null
      ? 'not being watched'
      : `watched by pid ${report.watched_by === -1 ? '?' : report.watched_by}`,
  );
  lines.push(`data dir ${report.data_dir} (${report.data_dir_from})`);
  if (report.error) lines.push(`cannot read the database: ${report.error}`);
  if (report.source_down_since) lines.push(`SOURCE DOWN since ${time(report.source_down_since)}`);
  const stalled = report.runs.filter((run) => run.stalled_since).length;
  const overdue = report.runs.filter((run) => run.overdue_since).length;
  lines.push(`${report.runs.length} active, ${stalled} stalled, ${overdue} overdue`);
  if (report.runs.length > 0) {
    lines.push('');
    lines.push(
      textTable(
        ['PIPELINE', 'RUN', 'ATTEMPT', 'STATUS', 'STEPS', 'CURRENT', 'ELAPSED', 'IDLE', 'STATE'],
        report.runs.map((run) => [
          run.pipeline,
          run.run_id,
          String(run.attempt),
          run.status,
          `${run.steps_done}/${run.steps_total}`,
          run.current_step ?? '',
          run.elapsed_s === null ? '' : formatDuration(run.elapsed_s * 1_000),
          formatDuration(run.idle_s * 1_000),
          stateOf(run),
        ]),
      ),
    );
  }
  lines.push('');
  if (report.attention.length === 0) {
    lines.push('nothing needs attention');
  } else {
    lines.push(`needs attention (${report.attention.length}); acknowledge with runwatch ack:`);
    lines.push(
      indent(
        textTable(
          ['WHAT', 'PIPELINE', 'RUN', 'SINCE'],
          report.attention.map((item) => [item.kind, item.pipeline, item.run_id, time(item.since)]),
        ),
      ),
    );
  }
  lines.push(...renderAlerts(report.alerts));
  const { pending, failed } = report.jobs;
  if (pending > 0)
    lines.push(`${pending} archive or report job${pending === 1 ? '' : 's'} waiting`);
  if (failed.length > 0) {
    lines.push(`failed (retry with runwatch archive --run ID):`);
    lines.push(
      indent(
        textTable(
          ['JOB', 'RUN', 'ATTEMPT', 'WHEN', 'WHY'],
          failed.map((f) => [f.kind, f.run_id, String(f.attempt), time(f.at), f.reason]),
        ),
      ),
    );
  }
  return lines.join('\n');
}

export async function statusCommand(options: StatusOptions): Promise<number> {
  const paths = findSourcePaths(options);
  const { settings, config } = loadSettings(options);
  const alertConfig = activeAlerts(config).alerts;
  const store = StateStore.exists(paths.dataDir)
    ? StateStore.open(paths.dataDir, 'readonly')
    : null;
  const source = sourceFor(
    paths.dbPath,
    options.schema === undefined ? null : schemaChoice(options.schema),
    () => {},
  );
  const report: StatusReport = {
    source: paths.sourceName,
    db: paths.shown,
    data_dir: paths.dataDir,
    data_dir_from: paths.dataDirFrom,
    watched_by: dataDirHolder(paths.dataDir),
    error: null,
    source_down_since: null,
    runs: [],
    attention: [],
    jobs: { pending: 0, failed: [] },
    alerts: {
      firing: 0,
      pending_deliveries: 0,
      inactive_channels: inactiveChannels(alertConfig),
      rules_without_channel: rulesWithoutActiveChannel(alertConfig).map((rule) => rule.name),
      failing: [],
    },
  };
  try {
    const down = store?.getMeta<{ since: number }>('source_down');
    if (down) report.source_down_since = new Date(down.since).toISOString();
    report.attention = store?.attention(paths.sourceName) ?? [];
    if (store) {
      report.jobs = store.jobs.overview(FAILED_JOBS_SHOWN);
      report.alerts.firing = store.alerts.rows.firingCount();
      report.alerts.pending_deliveries = store.alerts.outbox.pendingCount();
      report.alerts.failing = store.alerts.channels.failingChannels().map((row) => ({
        channel: row.channel,
        since: new Date(row.since).toISOString(),
        error: row.error,
      }));
    }
    try {
      await source.open();
      report.runs = await readLiveStatus(source, store, settings, paths.sourceName, Date.now());
    } catch (error) {
      if (!(error instanceof SourceError)) throw error;
      report.error = error.message;
    }
  } finally {
    await source.close();
    store?.close();
  }
  process.stdout.write(
    `${options.json ? JSON.stringify(report, null, 2) : renderStatus(report)}\n`,
  );
  return report.error ? EXIT_INPUT : EXIT_OK;
}
