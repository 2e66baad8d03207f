/**
 * The one contract between the UI and the main side (ARCHITECTURE.md §1): every request with its
 * parameters and result, and every message pushed to the UI. The Electron preload and the
 * `runwatch serve` WebSocket both carry exactly this; the main side validates each request's
 * parameters with the schemas here before anything runs.
 */
import { z } from 'zod';
import type { AttentionItem } from './attention.ts';
import type { Outcome, RunwatchEvent } from './events.ts';
import type { RunCounts } from './run-counts.ts';
import type { ActiveRunStatus } from './run-status.ts';
import type { RunTable } from './run-table.ts';
import { settingsChannelSchema, type Settings } from './settings.ts';
import type { Severity } from './severity.ts';

const name = z.string().min(1).max(200);
const runId = z.string().min(1).max(1_000);
const isoTime = z.iso.datetime({ offset: true });

/** A page of a list ordered newest first: `before` is the `next` of the previous page. */
const page = {
  before: z.string().max(2_000).optional(),
  limit: z.number().int().min(1).max(500).default(50),
};

const matchValue: z.ZodType<unknown> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(matchValue),
    z.object({ regex: z.string() }).strict(),
    z.object({ not: matchValue }).strict(),
  ]),
);

/**
 * A channel as the settings window holds it: a saved secret in it may still read `SECRET_KEPT`,
 * so it is checked in full only once the saved secrets are filled in.
 */
const enteredChannel = z.custom<z.input<typeof settingsChannelSchema>>(
  (value) => value !== null && typeof value === 'object' && !Array.isArray(value),
  { error: 'expected a channel' },
);

const ackTarget = z.union([
  z.object({ run: runId }).strict(),
  z.object({ pipeline: name }).strict(),
  z.object({ all: z.literal(true) }).strict(),
]);

/** Parameters of every request; each is checked on the main side before it runs. */
export const REQUESTS = {
  /**
   * With `first`, the first screen first: the snapshot holds that many runs, the top of the
   * Active list, and `more` says what `snapshotRest` then brings. Without it, every run.
   */
  snapshot: z.object({ first: z.number().int().min(1).max(10_000).optional() }).strict(),
  /** The runs a snapshot left for later, in one compact table; each `more` is read once. */
  snapshotRest: z.object({ cursor: z.string().min(1).max(100) }).strict(),
  finishedRuns: z
    .object({
      source: name.optional(),
      pipeline: name.optional(),
      outcome: z.enum(['succeeded', 'failed', 'cancelled']).optional(),
      /** Matched against the pipeline and the run id. */
      search: z.string().max(200).optional(),
      ...page,
    })
    .strict(),
  runDetail: z
    .object({ source: name, run_id: runId, attempt: z.number().int().min(1).optional() })
    .strict(),
  pipelineHistory: z
    .object({ source: name, pipeline: name, limit: z.number().int().min(1).max(100).default(30) })
    .strict(),
  alertHistory: z
    .object({
      source: name.optional(),
      severity: z.enum(['info', 'warning', 'error', 'critical']).optional(),
      ...page,
    })
    .strict(),
  openArchiveFolder: z.object({ source: name }).strict(),
  /** The app's file dialog, to pick a database for a new source; `serve` has none. */
  chooseDatabase: z.object({}).strict(),
  showRunFile: z
    .object({
      source: name,
      run_id: runId,
      attempt: z.number().int().min(1),
      file: z.enum(['zip', 'report']),
    })
    .strict(),
  listSilences: z.object({}).strict(),
  addSilence: z
    .object({
      source: name,
      match: z.record(z.string().min(1), matchValue),
      until: isoTime,
      comment: z.string().max(500).optional(),
    })
    .strict(),
  removeSilence: z.object({ source: name, id: z.number().int().min(1) }).strict(),
  acknowledge: z.object({ source: name.optional(), target: ackTarget }).strict(),
  getSettings: z.object({}).strict(),
  /** Checked in full when saved: every problem is named, field by field. */
  saveSettings: z.object({ settings: z.record(z.string(), z.unknown()) }).strict(),
  /**
   * Sends a marked test through a channel as entered, saved or not. With `name`, each secret
   * still `SECRET_KEPT` is the saved channel's of that name, as `saveSettings` keeps it.
   */
  testChannel: z.object({ channel: enteredChannel, name: name.optional() }).strict(),
  /**
   * Opens a source's database as entered, saved or not, and says how it would be read. With
   * `name`, a password still `SECRET_KEPT` is the saved source's of that name.
   */
  testSource: z
    .object({
      db: z.string().min(1).max(4096),
      password: z.string().max(4096).optional(),
      schema: z.string().min(1).max(4096).optional(),
      name: name.optional(),
    })
    .strict(),
} as const;

export type RequestName = keyof typeof REQUESTS;
/** What a caller passes (defaults may be left out). */
export type RequestParams<K extends RequestName> = z.input<(typeof REQUESTS)[K]>;
/** What the main side works with once the parameters are checked. */
export type CheckedParams<K extends RequestName> = z.output<(typeof REQUESTS)[K]>;
/** A checked request: its parameters are known to be its own name's. */
export type CheckedRequest = {
  [K in RequestName]: { name: K; params: CheckedParams<K> };
}[RequestName];

/** One watched source as the UI shows it. */
export interface SourceView {
  name: string;
  db: string;
  state: 'starting' | 'up' | 'down';
  /** Why it cannot be read, while down. */
  error: string | null;
  down_since: string | null;
  /** Runs the built-in demo pipeline (a new user's first start). */
  demo: boolean;
  /**
   * The schema it is read with (`airflow`, `runwatch`, a mapping file's name), and whether it
   * was recognised rather than named; null until the database was first opened.
   */
  schema: { name: string; description: string; detected: boolean } | null;
}

export interface AlertsView {
  firing: number;
  pending_deliveries: number;
  failing: { channel: string; since: string; error: string }[];
  inactive_channels: { channel: string; why: string; rules: string[] }[];
  rules_without_channel: string[];
  /** Whether the alerts reach anyone: fired against delivered, and whether any channel can send. */
  reach: AlertReachView;
}

export interface AlertReachView {
  /** When counting began: when Runwatch started watching the source. */
  since: string;
  /** Alerts fired since then (each firing once, however many channels it was meant for). */
  fired: number;
  /** Those of them delivered through at least one channel. */
  delivered: number;
  /** At least one channel can send: with none, every alert reaches nobody. */
  channel_active: boolean;
}

/** Everything the UI needs to draw itself; patches keep it current. */
export interface Snapshot {
  /** The patch sequence this snapshot is at: the next patch has `seq + 1`. */
  seq: number;
  at: string;
  /** `serve` cannot open folders on the user's machine: it offers downloads instead. */
  transport: 'ipc' | 'serve';
  sources: SourceView[];
  runs: ActiveRunStatus[];
  attention: AttentionItem[];
  alerts: Record<string, AlertsView>;
  /** Desktop notifications paused until then, or null. */
  notifications_paused_until: string | null;
  /**
   * Runs still to come: `runs` is the top of the Active list's order, and these follow it, as of
   * this same `seq`. Their counts come now, so every count shown is whole from the start.
   */
  more?: SnapshotMore;
}

export interface SnapshotMore {
  /** What to ask `snapshotRest` for. */
  cursor: string;
  runs: RunCounts;
}

/** What changed since the previous sequence number; absent parts did not change. */
export interface Patch {
  seq: number;
  at: string;
  sources?: SourceView[];
  runs?: { upsert: ActiveRunStatus[]; remove: { source: string; run_id: string }[] };
  attention?: AttentionItem[];
  alerts?: Record<string, AlertsView>;
  notifications_paused_until?: string | null;
}

export interface ArchiveView {
  /** Inside the source's data dir. */
  path: string;
  /** The zip's size. */
  bytes: number;
  /** The archived files' size, before they were zipped. */
  files_bytes: number;
  files: number;
  sha256: string;
  verified: boolean;
}

export interface FinishedRunView {
  source: string;
  pipeline: string;
  run_id: string;
  attempt: number;
  outcome: Outcome;
  started_at: string | null;
  finished_at: string | null;
  duration_s: number | null;
  steps_total: number;
  steps_failed: number;
  /** Null while its job is pending or when the run has no artifacts. */
  archive: ArchiveView | null;
  archive_error: string | null;
  /** Set while archiving is to be tried again then; `archive_error` says why the last try failed. */
  archive_retry_at: string | null;
  report: string | null;
}

export interface StepView {
  step_id: string;
  name: string;
  status: string;
  started_at: string | null;
  finished_at: string | null;
  duration_s: number | null;
  /** Why it failed, where the source says; absent otherwise. */
  message?: string;
}

export interface RunDetail {
  source: string;
  pipeline: string;
  run_id: string;
  attempt: number;
  /** The run as it finished, or as the monitor last judged it while it runs. */
  finished: FinishedRunView | null;
  active: ActiveRunStatus | null;
  steps: StepView[];
  stalls: { started_at: string; ended_at: string | null; idle_s: number }[];
  events: RunwatchEvent[];
}

export interface PipelineRun {
  run_id: string;
  attempt: number;
  outcome: Outcome;
  started_at: string | null;
  finished_at: string | null;
  duration_s: number | null;
}

export interface DeliveryAttemptView {
  attempt: number;
  at: string;
  ok: boolean;
  status: number | null;
  latency_ms: number;
  error: string | null;
}

export interface DeliveryView {
  source: string;
  id: number;
  channel: string;
  kind: string;
  /** The run every alert in it is about; null when they are about none or several. */
  run_id: string | null;
  /** The pipeline every alert in it is about, even across runs; else null. */
  pipeline: string | null;
  /** The attempt of `run_id`, when its alerts are about one. */
  attempt: number | null;
  state: 'pending' | 'sent' | 'failed' | 'expired' | 'dropped' | 'merged';
  severity: Severity;
  title: string | null;
  rules: string[];
  alerts: number;
  created_at: string;
  ended_at: string | null;
  /** While pending: when the next attempt is due. */
  next_attempt_at: string | null;
  attempts: DeliveryAttemptView[];
}

export interface SilenceView {
  source: string;
  id: number;
  match: Record<string, unknown>;
  until: string;
  comment: string | null;
}

export interface Page<T> {
  items: T[];
  /** Pass as `before` for the next page; null on the last one. */
  next: string | null;
}

/** Every request's result. */
export interface Results {
  snapshot: Snapshot;
  snapshotRest: RunTable;
  finishedRuns: Page<FinishedRunView>;
  runDetail: RunDetail | null;
  pipelineHistory: PipelineRun[];
  alertHistory: Page<DeliveryView>;
  /** `download` in `serve`: where the browser fetches what the app would open. */
  openArchiveFolder: { opened: boolean };
  /** Null when the user closed the dialog without choosing. */
  chooseDatabase: { path: string | null };
  showRunFile: { shown: true } | { download: string };
  listSilences: SilenceView[];
  addSilence: SilenceView;
  removeSilence: { removed: boolean };
  acknowledge: { acknowledged: number };
  testChannel: TestResult;
  testSource: SourceTestResult;
  getSettings: SettingsView;
  saveSettings: { saved: true };
}

/**
 * What the settings window shows in place of a stored secret; sent back unchanged, it keeps the
 * secret. A secret never travels to the UI.
 */
export const SECRET_KEPT = '••••••••';

/** Where a threshold in force comes from: lowest first, each beaten by those after it. */
export type ThresholdOrigin = 'default' | 'config' | 'demo' | 'settings' | 'flag';

/** A global monitoring threshold, by its key in the settings' `monitor`. */
export type ThresholdKey = Exclude<keyof Settings['monitor'], 'pipelines'>;

export interface ThresholdInForce {
  value_ms: number;
  origin: ThresholdOrigin;
  /** The value of every layer that sets it (`default` always does). */
  layers: Partial<Record<ThresholdOrigin, number>>;
}

export interface OverrideInForce {
  pattern: string;
  stall_after_ms: number | null;
  max_duration_ms: number | null;
  origin: 'settings' | 'config';
}

/** What one watched source runs with now. */
export interface ThresholdsInForce {
  source: string;
  /** The alerts.yaml it was started with: what `config` values come from. */
  config_file: string;
  thresholds: Record<ThresholdKey, ThresholdInForce>;
  /** In the order they are tried: the first that matches a pipeline and sets a value wins. */
  pipelines: OverrideInForce[];
}

export interface SettingsView {
  /** Every stored secret replaced by `SECRET_KEPT`. */
  settings: Settings;
  /**
   * Each watched source's thresholds in force now, with where each comes from; what is saved
   * for them takes effect at the next start.
   */
  in_force: ThresholdsInForce[];
  /** When a saved change to each section takes effect, as the side serving the window says. */
  applies: { now: (keyof Settings)[]; at_restart: (keyof Settings)[] };
  /** How secrets are kept on disk: by the OS keyring, in plain text, or not encrypted at all. */
  protection: 'os' | 'basic_text' | 'none';
  /** What the window says about that. */
  notice: string;
  /** `serve` watches the one source it was started with. */
  sources_read_only: boolean;
}

/** What opening a source's database found: how it is read, or why it cannot be. */
export interface SourceTestResult {
  ok: boolean;
  /** The profile it is read with, and whether it was recognised rather than named. */
  schema: { name: string; detected: boolean } | null;
  active: number | null;
  finished: number | null;
  /** What is wrong, naming a server by its URL with the password masked. */
  error: string | null;
}

/** What a test message met: the receiver's answer, or why there was none. */
export interface TestResult {
  ok: boolean;
  latency_ms: number;
  /** The HTTP status, where there is one. */
  status: number | null;
  /** Names the host only: never a webhook's secret path. */
  error: string | null;
}

/** Pushed to every connected UI. */
export type PushMessage =
  | { type: 'snapshot'; snapshot: Snapshot }
  | { type: 'patch'; patch: Patch }
  | {
      type: 'alert';
      source: string;
      severity: Severity;
      title: string;
      run_id: string | null;
    }
  | { type: 'navigate'; source: string; run_id: string | null };

/**
 * A request's failure as the UI receives it: what was wrong, never a stack. `unreadable`:
 * `getSettings` found a settings.json it cannot read or use (the message says why); saving from
 * the settings window replaces it, unless it is from a newer Runwatch.
 */
export interface ApiError {
  code: 'invalid' | 'not_found' | 'unavailable' | 'unreadable' | 'failed';
  message: string;
  /** `saveSettings` refused: each problem at its field, as `message` also lists them. */
  issues?: ApiIssue[];
}

/** One problem at a field of what was sent: `['channels', 'ops', 'url']`. */
export interface ApiIssue {
  path: (string | number)[];
  message: string;
  /** The problem is the name at the end of `path`, not its value. */
  key?: true;
}

export type ApiReply<K extends RequestName> =
  { ok: true; result: Results[K] } | { ok: false; error: ApiError };

/** What the UI holds: the same object whichever transport carries it. */
export type RunwatchApi = {
  [K in RequestName]: (params: RequestParams<K>) => Promise<Results[K]>;
} & {
  /** Every pushed message from now on; returns the unsubscribe. */
  subscribe(listener: (message: PushMessage) => void): () => void;
};

/**
 * Checks a request as it arrives from a renderer or a socket: its name must be a request and
 * its parameters must fit, else an `invalid` error that names the field.
 */
export function checkRequest(
  request: unknown,
): ({ ok: true } & CheckedRequest) | { ok: false; error: ApiError } {
  const envelope = z
    .object({ name: z.string(), params: z.unknown().optional() })
    .safeParse(request);
  if (!envelope.success) {
    return { ok: false, error: { code: 'invalid', message: 'a request is { name, params }' } };
  }
  const requestName = envelope.data.name;
  if (!Object.hasOwn(REQUESTS, requestName)) {
    return {
      ok: false,
      error: { code: 'invalid', message: `unknown request "${requestName.slice(0, 100)}"` },
    };
  }
  const known = requestName as RequestName;
  const parsed = REQUESTS[known].safeParse(envelope.data.params ?? {});
  if (!parsed.success) return { ok: false, error: invalidParams(known, parsed.error) };
  // The schema just checked is the one of `known`: what TypeScript cannot follow through the union.
  return { ok: true, ...({ name: known, params: parsed.data } as CheckedRequest) };
}

/** Parameters that do not fit, as `request: field.path: what is wrong` (the first problem). */
export function invalidParams(request: RequestName, error: z.ZodError): ApiError {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : 'params';
  return { code: 'invalid', message: `${request}: ${field}: ${issue?.message ?? 'invalid'}` };
}
