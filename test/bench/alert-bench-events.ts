/**
 * The alert benchmark's inputs: an alerts.yaml with 50 rules as a team might write them (routing
 * by pipeline regex to each team's webhook, catch-alls at the end) and a seeded stream of run and
 * source events over 10,000 runs, with `at` advancing a fixed step per event.
 */
import type { EventDraft } from '../../shared/events.ts';
import type { AlertConfig } from '../../electron/core/alerts/alert-config.ts';
import { parseConfig } from '../../electron/core/alerts/config-file.ts';
import { toIso } from '../../electron/core/time/timestamp.ts';
import { seededRandom } from './stats.ts';

export const RUN_IDS = 10_000;
/**
 * Simulated time per event. Each run then sees an event about every 10 s, so the 5-minute
 * throttle, the 30-minute stall reopen window and the 10-second group window all come into play.
 */
export const EVENT_STEP_MS = 1;
export const STALL_AFTER_MS = 30 * 60_000;
const SOURCE = 'orchestration';
/** Webhooks here are never contacted: the benchmark drives the engine, not the dispatcher. */
const HOOK_URL = 'http://127.0.0.1:9/';

const TEAMS = [
  'billing',
  'search',
  'ml',
  'growth',
  'infra',
  'payments',
  'ads',
  'risk',
  'catalog',
  'reporting',
];
const JOBS = ['etl-daily', 'sync', 'train', 'export'];
/** Pipelines no team rule names: only the catch-alls see them, and some skip them. */
const SCRATCH = ['scratch-notebook', 'scratch-adhoc'];
const STEPS = ['extract', 'transform', 'load', 'validate', 'optional-backfill'];

function pipelines(): string[] {
  const names = TEAMS.flatMap((team) =>
    JOBS.map((job, i) => `${team}-${job}-${i % 2 === 0 ? 'prod' : 'dev'}`),
  );
  return [...names, ...SCRATCH];
}

/** 4 rules per team (40) and 10 catch-alls: 50 rules; team rules `continue` to the catch-alls. */
export function alertBenchYaml(): string {
  const lines = [
    'channels:',
    '  desktop:',
    '    type: desktop',
    '  ops-hook:',
    '    type: webhook',
    `    url: ${HOOK_URL}`,
    '    min_severity: warning',
  ];
  for (const team of TEAMS) {
    lines.push(`  ${team}-hook:`, '    type: webhook', `    url: ${HOOK_URL}${team}`);
  }
  lines.push('rules:');
  for (const team of TEAMS) {
    const pipeline = `{ regex: "${team}-.*" }`;
    lines.push(
      `  - name: ${team}-failed`,
      `    match: { type: run_completed, outcome: [failed, cancelled], pipeline: ${pipeline} }`,
      '    severity: error',
      `    channels: [${team}-hook]`,
      '    continue: true',
      `  - name: ${team}-stalled`,
      `    match: { type: [run_stalled, run_overdue], pipeline: ${pipeline} }`,
      '    severity: warning',
      `    channels: [${team}-hook]`,
      '    repeat_every: 1h',
      '    continue: true',
      `  - name: ${team}-step-failed`,
      `    match: { type: step_failed, pipeline: ${pipeline}, step_name: { not: { regex: "optional-.*" } } }`,
      '    severity: warning',
      `    channels: [${team}-hook]`,
      `  - name: ${team}-prod-succeeded`,
      `    match: { type: run_completed, outcome: succeeded, pipeline: { regex: "${team}-.*-prod" } }`,
      '    severity: info',
      `    channels: [${team}-hook]`,
    );
  }
  lines.push(
    '  - name: run-failed',
    '    match: { type: run_completed, outcome: { not: succeeded }, pipeline: { not: { regex: "scratch-.*" } } }',
    '    severity: critical',
    '    channels: [desktop, ops-hook]',
    '  - name: run-stalled',
    '    match: { type: [run_stalled, run_overdue] }',
    '    severity: warning',
    '    channels: [desktop, ops-hook]',
    '    repeat_every: 1h',
    '  - name: run-succeeded',
    '    match: { type: run_completed, outcome: succeeded }',
    '    severity: info',
    '    channels: [desktop]',
    '  - name: retry-started',
    '    match: { type: run_started, attempt: { not: 1 } }',
    '    severity: info',
    '    channels: [ops-hook]',
    '  - name: step-failed',
    '    match: { type: step_failed }',
    '    severity: warning',
    '    channels: [ops-hook]',
    '  - name: source-down',
    '    match: { type: source_down }',
    '    severity: error',
    '    channels: [desktop, ops-hook]',
    '    dedup_key: "{rule}:{source}"',
    '  - name: run-removed',
    '    match: { type: run_removed }',
    '    severity: warning',
    '    channels: [ops-hook]',
    '  - name: archive-failed',
    '    match: { type: archive_failed }',
    '    severity: error',
    '    channels: [desktop, ops-hook]',
    '  - name: report-written',
    '    match: { type: report_written }',
    '    severity: info',
    '    channels: [desktop]',
    '  - name: config-error',
    '    match: { type: config_error }',
    '    severity: error',
    '    channels: [desktop]',
    'defaults:',
    '  throttle: 5m',
    '  dedup_key: "{rule}:{run_id}"',
    '  group_window: 10s',
    'monitor:',
    `  stall_after: ${STALL_AFTER_MS / 60_000}m`,
  );
  return `${lines.join('\n')}\n`;
}

export function alertBenchConfig(): AlertConfig {
  return parseConfig(alertBenchYaml(), 'alert-bench.yaml', { env: {} }).alerts;
}

type Phase = 'idle' | 'running' | 'stalled' | 'overdue';

interface BenchRun {
  runId: string;
  pipeline: string;
  attempt: number;
  phase: Phase;
  startedAt: number;
  stalledAt: number;
}

/** Fields every event of a run carries. */
interface RunFields {
  source: string;
  at: string;
  run_id: string;
  pipeline: string;
  attempt: number;
  occurred_at: string;
}

const STEP_COUNTS = {
  steps_total: 5,
  steps_succeeded: 5,
  steps_failed: 0,
  steps_skipped: 0,
  steps_cancelled: 0,
};

/**
 * Run lifecycles over a fixed set of run ids (so dedup keys recur): each event advances one
 * randomly picked run — started, step failures, stalls that recover or end the run, overdue runs,
 * completions; a failure is retried as the next attempt. Now and then the source goes down for a
 * few seconds. The same seed gives the same stream.
 */
export class BenchEventStream {
  /** Simulated wall clock of the latest event. */
  time: number;
  private readonly random: () => number;
  private readonly runs: BenchRun[];
  private emitted = 0;
  private sourceUpAt: number | null = null;

  constructor(seed: number, start = Date.UTC(2026, 0, 12, 9, 0, 0)) {
    this.random = seededRandom(seed);
    this.time = start;
    const names = pipelines();
    this.runs = Array.from({ length: RUN_IDS }, (_, i) => ({
      runId: `run-${String(i).padStart(6, '0')}`,
      pipeline: names[i % names.length] as string,
      attempt: 1,
      phase: 'idle' as Phase,
      startedAt: 0,
      stalledAt: 0,
    }));
  }

  /** The next `count` events, each `EVENT_STEP_MS` after the one before. */
  next(count: number): EventDraft[] {
    const drafts: EventDraft[] = [];
    for (let i = 0; i < count; i++) {
      this.time += EVENT_STEP_MS;
      this.emitted++;
      drafts.push(this.sourceEvent() ?? this.runEvent());
    }
    return drafts;
  }

  /** A source outage of 3 s every 200,000 events. */
  private sourceEvent(): EventDraft | null {
    const at = toIso(this.time);
    if (this.sourceUpAt !== null && this.time >= this.sourceUpAt) {
      this.sourceUpAt = null;
      return { type: 'source_up', source: SOURCE, at, reason: 'readable again' };
    }
    if (this.emitted % 200_000 === 100_000) {
      this.sourceUpAt = this.time + 3_000;
      return { type: 'source_down', source: SOURCE, at, reason: 'database is locked' };
    }
    return null;
  }

  private runEvent(): EventDraft {
    const run = this.runs[Math.floor(this.random() * this.runs.length)] as BenchRun;
    const at = toIso(this.time);
    const base: RunFields = {
      source: SOURCE,
      at,
      run_id: run.runId,
      pipeline: run.pipeline,
      attempt: run.attempt,
      occurred_at: at,
    };
    const roll = this.random();
    switch (run.phase) {
      case 'idle':
        run.phase = 'running';
        run.startedAt = this.time;
        return { ...base, type: 'run_started', status: 'running' };
      case 'running':
        if (roll < 0.15) {
          const step = STEPS[Math.floor(this.random() * STEPS.length)] as string;
          return { ...base, type: 'step_failed', step_id: `${run.runId}/${step}`, step_name: step };
        }
        if (roll < 0.25) {
          run.phase = 'stalled';
          run.stalledAt = this.time;
          return {
            ...base,
            type: 'run_stalled',
            idle_s: STALL_AFTER_MS / 1_000,
            last_progress_at: toIso(this.time - STALL_AFTER_MS),
          };
        }
        if (roll < 0.28) {
          run.phase = 'overdue';
          return {
            ...base,
            type: 'run_overdue',
            running_for_s: Math.round((this.time - run.startedAt) / 1_000),
          };
        }
        return this.complete(run, base, roll < 0.4 ? 'failed' : 'succeeded');
      case 'stalled':
        if (roll < 0.6) {
          run.phase = 'running';
          return {
            ...base,
            type: 'run_recovered',
            stalled_for_s: Math.round((this.time - run.stalledAt) / 1_000),
          };
        }
        if (roll < 0.65) {
          run.phase = 'idle';
          run.attempt = 1;
          return { ...base, type: 'run_removed' };
        }
        return this.complete(run, base, roll < 0.95 ? 'failed' : 'cancelled');
      case 'overdue':
        return this.complete(run, base, roll < 0.5 ? 'failed' : 'succeeded');
    }
  }

  private complete(
    run: BenchRun,
    base: RunFields,
    outcome: 'succeeded' | 'failed' | 'cancelled',
  ): EventDraft {
    run.phase = 'idle';
    // A failure is retried as the next attempt; a success ends the run, and its id is reused.
    run.attempt = outcome === 'failed' ? run.attempt + 1 : 1;
    const failed = outcome === 'failed' ? 1 : 0;
    return {
      ...base,
      type: 'run_completed',
      outcome,
      duration_s: Math.round((this.time - run.startedAt) / 1_000),
      ...STEP_COUNTS,
      steps_succeeded: STEP_COUNTS.steps_total - failed,
      steps_failed: failed,
    };
  }
}
