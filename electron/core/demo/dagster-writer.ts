import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DAGSTER_EVENT_LOG_DDL } from './dagster-ddl.ts';
import type { DemoWriter } from './demo-writer.ts';
import { naiveUtc } from './naive-utc.ts';

/** The run status each run-level event sets (Dagster's EVENT_TYPE_TO_PIPELINE_RUN_STATUS). */
const RUN_STATUS: Record<string, string> = {
  PIPELINE_ENQUEUED: 'QUEUED',
  PIPELINE_STARTING: 'STARTING',
  PIPELINE_START: 'STARTED',
  PIPELINE_SUCCESS: 'SUCCESS',
  PIPELINE_FAILURE: 'FAILURE',
  PIPELINE_CANCELING: 'CANCELING',
  PIPELINE_CANCELED: 'CANCELED',
};
const ENDS = new Set(['PIPELINE_SUCCESS', 'PIPELINE_FAILURE', 'PIPELINE_CANCELED']);

/**
 * Dagster's SQLite storage as an instance writes it: a run row in `runs.db`, created
 * NOT_STARTED, and every event of the run appended to the run's own event log
 * `runs/<run_id>.db` beside it (created, in WAL mode, with the run's first event). A run-level
 * event then sets the run's status, `update_timestamp`, and `start_time` or `end_time` (epoch
 * seconds); step events touch only the event log. Each call is a transaction of its own.
 */
export class DagsterStorage {
  readonly folder: string;
  private readonly db: Database.Database;
  private readonly logs = new Map<string, Database.Database>();

  /** Every run's events in one database (the single-database layout), else null. */
  private readonly shared: Database.Database | null;

  /**
   * `db`: the run storage (`history/runs.db`), its tables created; `events`: the database
   * holding every run's events, in the single-database layout.
   */
  constructor(db: Database.Database, events: Database.Database | null = null) {
    this.db = db;
    this.shared = events;
    this.folder = path.dirname(db.name);
  }

  /** A run as `DagsterInstance.create_run` adds it: NOT_STARTED, with its tags. */
  addRun(runId: string, job: string, tags: Record<string, string> = {}, at = Date.now()): void {
    this.db.transaction(() => {
      // update_timestamp keeps its CURRENT_TIMESTAMP default: whole seconds.
      this.db
        .prepare(
          `INSERT INTO runs (run_id, snapshot_id, pipeline_name, mode, status, run_body,
             create_timestamp) VALUES (?, ?, ?, 'default', 'NOT_STARTED', ?, ?)`,
        )
        .run(
          runId,
          `snapshot-${job}`,
          job,
          JSON.stringify({ __class__: 'PipelineRun', run_id: runId, pipeline_name: job, tags }),
          naiveUtc(at),
        );
      const tag = this.db.prepare('INSERT INTO run_tags (run_id, "key", value) VALUES (?, ?, ?)');
      for (const [key, value] of Object.entries(tags)) tag.run(runId, key, value);
    })();
  }

  /**
   * An event of a run as the event log storage stores it, then (for a run-level event) the
   * run's row as `handle_run_event` updates it. `type` null is a plain log message.
   */
  event(
    runId: string,
    type: string | null,
    stepKey: string | null,
    message = '',
    at = Date.now(),
  ): void {
    const job = this.jobOf(runId);
    const entry = {
      __class__: 'EventLogEntry',
      dagster_event:
        type === null
          ? null
          : {
              __class__: 'DagsterEvent',
              event_type_value: type,
              job_name: job,
              step_key: stepKey,
              event_specific_data:
                type === 'STEP_FAILURE'
                  ? {
                      __class__: 'StepFailureData',
                      error: { __class__: 'SerializableErrorInfo', message, stack: [] },
                    }
                  : null,
              message,
            },
      error_info: null,
      job_name: job,
      level: type === 'STEP_FAILURE' || type === 'PIPELINE_FAILURE' ? 40 : 10,
      run_id: runId,
      step_key: stepKey,
      timestamp: at / 1000,
      user_message: message,
    };
    this.log(runId)
      .prepare(
        `INSERT INTO event_logs (run_id, event, dagster_event_type, timestamp, step_key)
         VALUES (?, ?, ?, ?, ?)`,
      )
      .run(runId, JSON.stringify(entry), type, naiveUtc(at), stepKey);
    const status = type === null ? undefined : RUN_STATUS[type];
    if (status === undefined || type === null) return;
    const times =
      type === 'PIPELINE_START' ? ', start_time = ?' : ENDS.has(type) ? ', end_time = ?' : '';
    this.db
      .prepare(`UPDATE runs SET status = ?, update_timestamp = ?${times} WHERE run_id = ?`)
      .run(status, naiveUtc(at), ...(times ? [at / 1000] : []), runId);
    if (ENDS.has(type)) this.closeLog(runId);
  }

  /** The job a run is a run of. */
  jobOf(runId: string): string {
    return String(
      this.db.prepare('SELECT pipeline_name FROM runs WHERE run_id = ?').pluck().get(runId) ?? '',
    );
  }

  /** A run's event log file, created with its first event as Dagster does. */
  logFile(runId: string): string {
    return path.join(this.folder, 'runs', `${runId}.db`);
  }

  close(): void {
    for (const runId of [...this.logs.keys()]) this.closeLog(runId);
    this.db.close();
  }

  /** `dagster run delete`: the run's row and tags, and its event log. */
  deleteRun(runId: string): void {
    this.closeLog(runId);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM run_tags WHERE run_id = ?').run(runId);
      this.db.prepare('DELETE FROM runs WHERE run_id = ?').run(runId);
      this.shared?.prepare('DELETE FROM event_logs WHERE run_id = ?').run(runId);
    })();
    if (this.shared === null) {
      for (const suffix of ['', '-wal', '-shm'])
        fs.rmSync(this.logFile(runId) + suffix, { force: true });
    }
  }

  private log(runId: string): Database.Database {
    if (this.shared) return this.shared;
    let log = this.logs.get(runId);
    if (log) return log;
    const file = this.logFile(runId);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const fresh = !fs.existsSync(file);
    log = new Database(file, { timeout: 5_000 });
    log.pragma('journal_mode = WAL');
    if (fresh) log.transaction(() => log?.exec(DAGSTER_EVENT_LOG_DDL))();
    this.logs.set(runId, log);
    return log;
  }

  private closeLog(runId: string): void {
    this.logs.get(runId)?.close();
    this.logs.delete(runId);
  }
}

/**
 * A Dagster job run by the default run coordinator and the multiprocess executor: enqueued,
 * starting, started; each step a worker starting, `STEP_START`, log messages as it works,
 * `STEP_SUCCESS` or `STEP_FAILURE` (with the error); steps after a failure are never started
 * (only a log line says so); the run ends with its own event. Dagster retries a failed run as a
 * new run (a re-execution, tagged with its parent), so the demo's retry is one.
 */
export class DagsterWriter implements DemoWriter {
  private readonly storage: DagsterStorage;
  /** The run each demo run is now: its re-execution, once retried. */
  private readonly current = new Map<string, string>();

  constructor(db: Database.Database) {
    this.storage = new DagsterStorage(db);
  }

  nextRunId(): string {
    return crypto.randomUUID();
  }

  queue(runId: string, pipeline: string): void {
    this.storage.addRun(runId, pipeline);
    this.storage.event(runId, 'PIPELINE_ENQUEUED', null);
  }

  start(runId: string, again: boolean): void {
    let run = this.run(runId);
    if (again) {
      const parent = run;
      run = crypto.randomUUID();
      const job = this.storage.jobOf(parent);
      this.storage.addRun(run, job, {
        'dagster/parent_run_id': parent,
        'dagster/root_run_id': parent,
      });
      this.storage.event(run, 'PIPELINE_ENQUEUED', null);
      this.current.set(runId, run);
    }
    this.storage.event(run, 'PIPELINE_STARTING', null);
    this.storage.event(run, 'ENGINE_EVENT', null, 'Started process for run');
    this.storage.event(run, 'PIPELINE_START', null);
  }

  startStep(runId: string, _index: number, name: string): void {
    const run = this.run(runId);
    this.storage.event(run, 'STEP_WORKER_STARTING', name, `Launching subprocess for "${name}".`);
    this.storage.event(run, 'STEP_START', name, `Started execution of step "${name}".`);
  }

  beat(runId: string, _index: number, name: string): void {
    this.storage.event(this.run(runId), null, name, `${name}: working`);
  }

  endStep(
    runId: string,
    _index: number,
    name: string,
    outcome: 'succeeded' | 'failed',
    message: string | null,
  ): void {
    const run = this.run(runId);
    if (outcome === 'succeeded') {
      this.storage.event(run, 'STEP_SUCCESS', name, `Finished execution of step "${name}".`);
    } else {
      this.storage.event(
        run,
        'STEP_FAILURE',
        name,
        message ?? `Execution of step "${name}" failed.`,
      );
    }
  }

  end(
    runId: string,
    status: 'succeeded' | 'failed' | 'cancelled',
    steps: readonly string[],
    from: number,
  ): void {
    const run = this.run(runId);
    if (status === 'failed') {
      for (const step of steps.slice(from)) {
        this.storage.event(run, null, step, `Dependencies for step ${step} failed. Not executing.`);
      }
      this.storage.event(run, 'PIPELINE_FAILURE', null, 'Execution of run failed.');
    } else if (status === 'cancelled') {
      this.storage.event(run, 'PIPELINE_CANCELING', null);
      this.storage.event(run, 'PIPELINE_CANCELED', null);
    } else {
      this.storage.event(run, 'PIPELINE_SUCCESS', null, 'Finished execution of run.');
    }
  }

  /**
   * Dagster keeps a run's files in `$DAGSTER_HOME/storage/<run_id>`, outside the folder of the
   * database the demo was given: the demo writes none rather than write outside it.
   */
  artifactsDir(): null {
    return null;
  }

  close(): void {
    this.storage.close();
  }

  private run(runId: string): string {
    return this.current.get(runId) ?? runId;
  }
}
