/**
 * The events Runwatch emits (ARCHITECTURE.md §4, a contract): what `watch --json` prints, what the
 * alert engine matches and what the UI shows.
 */

import type { Severity } from './severity.ts';

export type Outcome = 'succeeded' | 'failed' | 'cancelled';

export interface StepCounts {
  steps_total: number;
  steps_succeeded: number;
  steps_failed: number;
  steps_skipped: number;
  steps_cancelled: number;
}

interface EventBase {
  /** Row id of the event in the source's state.db; stable across restarts. */
  id: number;
  source: string;
  /** When Runwatch detected it (ISO-8601 UTC). */
  at: string;
}

interface RunEventBase extends EventBase {
  run_id: string;
  pipeline: string;
  attempt: number;
  /** When it happened by the database's clock, offset-corrected; equals `at` when unknown. */
  occurred_at: string;
  /** Present when `at − occurred_at` exceeds `max_alert_age`. */
  late?: true;
}

export interface RunStartedEvent extends RunEventBase {
  type: 'run_started';
  status: string;
}

export interface StepFailedEvent extends RunEventBase {
  type: 'step_failed';
  step_id: string;
  step_name: string;
}

export interface RunCompletedEvent extends RunEventBase, StepCounts {
  type: 'run_completed';
  outcome: Outcome;
  duration_s: number | null;
}

export interface RunStalledEvent extends RunEventBase {
  type: 'run_stalled';
  idle_s: number;
  last_progress_at: string;
}

export interface RunRecoveredEvent extends RunEventBase {
  type: 'run_recovered';
  stalled_for_s: number;
}

export interface RunOverdueEvent extends RunEventBase {
  type: 'run_overdue';
  running_for_s: number;
}

export interface RunRemovedEvent extends RunEventBase {
  type: 'run_removed';
}

export interface RunArchivedEvent extends RunEventBase {
  type: 'run_archived';
  /** The zip, absolute. */
  path: string;
  /** Bytes of the archived files (the zip's size is in the report). */
  bytes: number;
  files: number;
  sha256: string;
}

export interface ArchiveFailedEvent extends RunEventBase {
  type: 'archive_failed';
  reason: string;
}

export interface ReportWrittenEvent extends RunEventBase {
  type: 'report_written';
  path: string;
}

export interface SourceDownEvent extends EventBase {
  type: 'source_down';
  reason: string;
}

export interface SourceUpEvent extends EventBase {
  type: 'source_up';
  reason: string;
}

export interface ConfigErrorEvent extends EventBase {
  type: 'config_error';
  /** The config file, absolute. */
  file: string;
  /** Each problem as `file:line:col: message`. */
  errors: string[];
}

interface AlertDeliveryBase extends EventBase {
  /** The rule of the alert, or the rules of a grouped message joined by `, `. */
  rule: string;
  channel: string;
  severity: Severity;
  /** The outbox row delivered. */
  delivery_id: number;
  /** How many alerts the message carried. */
  alerts: number;
}

export interface AlertSentEvent extends AlertDeliveryBase {
  type: 'alert_sent';
  attempts: number;
}

export interface AlertFailedEvent extends AlertDeliveryBase {
  type: 'alert_failed';
  reason: string;
}

export type RunEvent =
  | RunStartedEvent
  | StepFailedEvent
  | RunCompletedEvent
  | RunStalledEvent
  | RunRecoveredEvent
  | RunOverdueEvent
  | RunRemovedEvent
  | RunArchivedEvent
  | ArchiveFailedEvent
  | ReportWrittenEvent;

export type SourceEvent = SourceDownEvent | SourceUpEvent;

export type AlertEvent = AlertSentEvent | AlertFailedEvent;

export type RunwatchEvent = RunEvent | SourceEvent | ConfigErrorEvent | AlertEvent;

export type EventType = RunwatchEvent['type'];

export type EventOfType<T extends EventType> = Extract<RunwatchEvent, { type: T }>;

/** An event before it is committed: state.db assigns its id. */
export type EventDraft = RunwatchEvent extends infer E
  ? E extends RunwatchEvent
    ? Omit<E, 'id'>
    : never
  : never;

/** Every event type, in the order of the §4 table. */
export const EVENT_TYPES = [
  'run_started',
  'step_failed',
  'run_completed',
  'run_stalled',
  'run_recovered',
  'run_overdue',
  'run_removed',
  'source_down',
  'source_up',
  'run_archived',
  'archive_failed',
  'report_written',
  'config_error',
  'alert_sent',
  'alert_failed',
] as const satisfies readonly EventType[];

/** Alert rules never match these: an alert about an alert would feed itself. */
export const ALERT_EVENT_TYPES: readonly EventType[] = ['alert_sent', 'alert_failed'];

/** Every field an event can carry, for matchers and dedup-key templates. */
export const EVENT_FIELDS = [
  'type',
  'id',
  'source',
  'at',
  'run_id',
  'pipeline',
  'attempt',
  'occurred_at',
  'late',
  'status',
  'step_id',
  'step_name',
  'outcome',
  'duration_s',
  'steps_total',
  'steps_succeeded',
  'steps_failed',
  'steps_skipped',
  'steps_cancelled',
  'idle_s',
  'last_progress_at',
  'stalled_for_s',
  'running_for_s',
  'path',
  'bytes',
  'files',
  'sha256',
  'reason',
  'file',
  'errors',
] as const;
