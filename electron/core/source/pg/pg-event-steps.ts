import {
  applyEvent,
  eventChange,
  EVENT_PAGE,
  FINISHED_RUN,
  giveSteps,
  KEPT_RUNS,
  newRunEvents,
  type EventRow,
  type RunEvents,
} from '../event-steps.ts';
import type { ColumnKind } from '../profile/profile-views.ts';
import type { StepsMapping } from '../profile/source-profile.ts';
import { splitRunId } from '../run-lookups.ts';
import type { ChangedRow, ObservedRun } from '../source-rows.ts';

type Run = (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

/** The events statements of a profile, with PostgreSQL's numbered placeholders. */
export interface PgEventSql {
  ofRun: string;
  after: string;
  last: string;
}

/** `?` placeholders numbered `$1…`, leaving any inside quoted text or names alone. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|\?/g, (match) =>
    match === '?' ? `$${++n}` : match,
  );
}

/**
 * Where "from the first event" starts for an order column of this kind: below every value, in
 * the column's own type so its index serves the read.
 */
function lowest(kind: ColumnKind | null): unknown {
  if (kind === 'time' || kind === 'naive-time') return '-infinity';
  if (kind === 'text') return '';
  return '-9223372036854775808';
}

/**
 * Steps given as events (Dagster's `event_logs`) in a PostgreSQL database: the events of the
 * runs being read are folded into their steps as they are appended, each event read once, as
 * event-steps.ts does for SQLite. New events are found by the order column (`id`), through its
 * index; a run's own by its key and the order column.
 */
export class PgEventSteps {
  private readonly sql: PgEventSql;
  private readonly steps: StepsMapping;
  private readonly parts: number;
  private readonly start: unknown;
  private readonly runs = new Map<string, RunEvents>();
  /** How far the events table has been read, in its order. */
  private after: unknown;

  constructor(options: {
    sql: PgEventSql;
    steps: StepsMapping;
    parts: number;
    orderKind: ColumnKind | null;
  }) {
    this.sql = options.sql;
    this.steps = options.steps;
    this.parts = options.parts;
    this.start = lowest(options.orderKind);
    this.after = this.start;
  }

  /** From now on, changes are those after now; every run is folded again when next read. */
  async mark(run: Run): Promise<void> {
    this.runs.clear();
    const [row] = await run(this.sql.last, []);
    this.after = row?.last ?? this.start;
  }

  /** The runs whose events moved since the last call, one change row each. */
  async changes(run: Run): Promise<ChangedRow[]> {
    const dirty = new Set<string>();
    for (;;) {
      const rows = await run(this.sql.after, [this.after, EVENT_PAGE]);
      for (const row of rows) {
        if (row.run_id !== null) dirty.add(String(row.run_id));
        this.after = row.ord;
      }
      if (rows.length < EVENT_PAGE) break;
    }
    const changed: ChangedRow[] = [];
    for (const runId of dirty) {
      const before = this.runs.get(runId)?.after;
      const folded = await this.fold(runId, run);
      if (folded.after !== before) changed.push(eventChange(runId, folded));
    }
    return changed;
  }

  /** Gives each run its steps from its events; a finished run's are let go. */
  async addTo(runs: ReadonlyMap<string, ObservedRun>, run: Run): Promise<void> {
    for (const [runId, observed] of runs) {
      giveSteps(observed, await this.fold(runId, run));
      if (FINISHED_RUN.has(observed.status)) this.runs.delete(runId);
    }
  }

  /** Reads a run's events after those folded (all of them the first time) into its steps. */
  private async fold(runId: string, run: Run): Promise<RunEvents> {
    let folded = this.runs.get(runId);
    if (folded) this.runs.delete(runId);
    else folded = { ...newRunEvents(), after: this.start };
    this.runs.set(runId, folded);
    while (this.runs.size > KEPT_RUNS) this.runs.delete(this.runs.keys().next().value as string);
    const parts = splitRunId(runId, this.parts);
    if (parts === null) return folded;
    for (;;) {
      const rows = (await run(this.sql.ofRun, [
        ...parts,
        folded.after,
        EVENT_PAGE,
      ])) as unknown as EventRow[];
      for (const row of rows) applyEvent(this.steps, folded, row);
      if (rows.length < EVENT_PAGE) break;
    }
    return folded;
  }
}
