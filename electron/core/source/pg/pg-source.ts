import pg from 'pg';
import { parse as parseConnectionString } from 'pg-connection-string';
import type { FileCheck } from '../file-integrity.ts';
import type { SchemaChoice } from '../profile/source-profile.ts';
import type { OpenInfo, RunSource, ScannedRun } from '../run-source.ts';
import type { SourceTable } from '../schema-check.ts';
import { SourceError } from '../source-error.ts';
import { asText, changedRow, type ChangedRow, type ObservedRun } from '../source-rows.ts';
import { CHANGE_LIMIT, type TieCount, type UpdatedFrom } from '../updated-reads.ts';
import { readCatalog } from './pg-catalog.ts';
import { classifyPgError } from './pg-errors.ts';
import { PgEventSteps } from './pg-event-steps.ts';
import { maskText, pgLocation, type PgLocation } from './pg-location.ts';
import { PgLookups } from './pg-lookups.ts';
import { pgShape, type PgShape } from './pg-shape.ts';

export interface PgSourceOptions {
  /** The profile to read the database with; null recognises it. */
  schema?: SchemaChoice;
  /** Hears what is wrong beside the database itself (a timestamp that does not read). */
  warn?: (message: string) => void;
  /**
   * Longest a connection, a statement or an answer may take: the server cancels a statement
   * then, and Runwatch takes a connection that does not answer for dead (default 15 s).
   */
  timeoutMs?: number;
}

/** Which transactions have committed: moves when any that wrote begins or ends. */
const SNAPSHOT_SQL = 'SELECT pg_current_snapshot()::text AS s';

/** Longest a closing connection is waited for before its socket is dropped. */
const END_TIMEOUT_MS = 1_000;

const TERMINAL_SQL = `lower(trim(status)) IN ('succeeded', 'failed', 'cancelled')`;

/**
 * Timestamps as the server writes them, in UTC (the session's zone): compared and bound back
 * exactly, to the microsecond, where a Date would keep milliseconds. Counts as numbers.
 */
const TEXT_TYPES = new Set([1082, 1114, 1184]);
const INT8 = 20;
const types: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (TEXT_TYPES.has(oid)) return (value: string) => value;
    if (oid === INT8) {
      return (value: string) => {
        const n = Number(value);
        return Number.isSafeInteger(n) ? n : value;
      };
    }
    return pg.types.getTypeParser(oid, format ?? 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/**
 * Ends a connection politely, or drops its socket when the server does not answer (a cut
 * network would otherwise hold the end for minutes).
 */
async function endClient(client: pg.Client): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<'gave up'>((resolve) => {
    timer = setTimeout(() => resolve('gave up'), END_TIMEOUT_MS);
  });
  const ended = await Promise.race([
    client.end().then(
      () => 'ended',
      () => 'ended',
    ),
    gaveUp,
  ]);
  clearTimeout(timer);
  if (ended === 'gave up') {
    (
      client as unknown as { connection?: { stream?: { destroy(): void } } }
    ).connection?.stream?.destroy();
  }
}

/**
 * One connection to a PostgreSQL database, read through a profile (ARCHITECTURE.md §2): every
 * query read-only (the session's default, and reads of several statements in one READ ONLY
 * REPEATABLE READ transaction), with a statement timeout, under `application_name` runwatch.
 * Nothing is ever written or created on the server: a profile's views are common table
 * expressions of each query. Queries are queued, one at a time, on the one connection.
 *
 * Change detection: `dataVersion` is the server's current snapshot (which transactions have
 * committed), one cheap query that reads no table; only when it moves are the change queries run.
 */
export class PgSource implements RunSource {
  readonly path: string;
  private readonly location: PgLocation;
  private readonly schema: SchemaChoice;
  private readonly warn: (message: string) => void;
  private client: pg.Client | null = null;
  private shape: PgShape | null = null;
  private lookups: PgLookups | null = null;
  /** Steps given as events, folded apart from the views. */
  private events: PgEventSteps | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private snapshot: string | null = null;
  private version = 0;
  private readCount = 0;
  private serverVersion = '';
  private readonly timeoutMs: number;

  constructor(url: string, options: PgSourceOptions = {}) {
    this.location = pgLocation(url);
    this.path = this.location.display;
    this.schema = options.schema ?? null;
    this.warn = options.warn ?? (() => {});
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  get rowsRead(): number {
    return this.readCount;
  }

  get isOpen(): boolean {
    return this.client !== null && this.shape !== null;
  }

  get finishesOnSteps(): boolean {
    return this.shape?.finishOnSteps ?? true;
  }

  get progressElsewhere(): boolean {
    return this.shape?.progressElsewhere ?? false;
  }

  /** A server's rows name folders on the machines that ran them: no root is implied. */
  get artifactRoot(): string | null {
    return null;
  }

  get artifactsOptional(): boolean {
    return this.shape?.artifactsOptional ?? false;
  }

  get eventFolder(): string | null {
    return null;
  }

  get locatesWrites(): boolean {
    return false;
  }

  get scansWhole(): boolean {
    const indexed = this.shape?.changeIndexed;
    return indexed !== undefined && !(indexed.runs && indexed.steps);
  }

  async open(): Promise<OpenInfo> {
    await this.close();
    let client: pg.Client;
    try {
      client = new pg.Client(this.config());
    } catch (error) {
      // A URL that does not read (a missing sslrootcert file, say): said as the source's problem.
      throw new SourceError(
        'unreadable',
        `${this.path}: ${maskText(error instanceof Error ? error.message : String(error))}`,
      );
    }
    // A connection that dies between queries (a restart, a cut) must not crash the process.
    client.on('error', () => {
      if (this.client === client) this.drop();
    });
    try {
      await client.connect();
      this.client = client;
      const catalog = await readCatalog(client);
      const version = await client.query<{ v: string }>(
        `SELECT current_setting('server_version') AS v`,
      );
      this.serverVersion = String(version.rows[0]?.v ?? '');
      if (catalog.version < 120000) {
        throw new SourceError(
          'unreadable',
          `${this.path}: PostgreSQL ${this.serverVersion} is older than 12, which Runwatch needs`,
        );
      }
      const shape = pgShape(catalog, this.path, this.schema);
      await this.checkGrants(client, shape.tables);
      this.shape = shape;
      this.lookups = new PgLookups(shape, (message) => this.warn(`${this.path}: ${message}`));
      this.events = shape.events
        ? new PgEventSteps({ ...shape.events, parts: shape.keyParts })
        : null;
      this.snapshot = null;
      return {
        journalMode: `postgresql ${this.serverVersion}`,
        schema: shape.schema,
        missingIndexes: shape.missingIndexes,
        optionalColumns: [],
      };
    } catch (error) {
      this.drop();
      await endClient(client);
      throw classifyPgError(error, this.path);
    }
  }

  /** Every table the profile reads must be readable by this role: else one message naming them. */
  private async checkGrants(client: pg.Client, tables: readonly string[]): Promise<void> {
    if (tables.length === 0) return;
    const found = await client.query<{ t: string; ok: boolean }>(
      `SELECT t, has_table_privilege(t, 'SELECT') AS ok FROM unnest($1::text[]) AS t`,
      [tables],
    );
    const denied = found.rows.filter((row) => !row.ok).map((row) => row.t);
    if (denied.length > 0) {
      throw new SourceError(
        'unreadable',
        `${this.path}: this role may not read ${denied.join(', ')} (GRANT SELECT ON … TO it; README: PostgreSQL)`,
      );
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.drop();
    if (client) await endClient(client);
  }

  fileStatus(): FileCheck {
    return 'same';
  }

  /** The server's snapshot moved since the last look: a transaction that wrote began or ended. */
  async dataVersion(): Promise<number> {
    // Prepared once per connection: each poll then costs the server no parse nor plan.
    const rows = await this.exclusive(
      async (client) =>
        (await client.query<{ s: string }>({ name: 'runwatch-snapshot', text: SNAPSHOT_SQL })).rows,
    );
    const snapshot = rows[0]?.s ?? '';
    if (snapshot !== this.snapshot) {
      this.snapshot = snapshot;
      this.version++;
    }
    return this.version;
  }

  indexed(table: SourceTable): boolean {
    return this.shape?.changeIndexed[table] ?? true;
  }

  /** Later change reads answer the events appended after now. */
  async markWrites(): Promise<void> {
    const events = this.events;
    if (events) await this.transaction((run) => events.mark(run));
  }

  writtenRowids(): null {
    return null;
  }

  /**
   * Rows have no rowids here: new rows come with the updated ones. Steps given as events: one
   * row per run whose events moved.
   */
  async readNewRows(): Promise<{ rows: ChangedRow[]; truncated: boolean }> {
    const events = this.events;
    if (!events) return { rows: [], truncated: false };
    const rows = await this.transaction((run) => events.changes(run));
    return { rows, truncated: false };
  }

  async *readUpdatedRows(
    table: SourceTable,
    from: UpdatedFrom,
  ): AsyncGenerator<{ rows: ChangedRow[]; truncated: boolean }> {
    const sql = this.sql(table);
    // The rows holding `from.value` (unless a large tie is passed) and those after it, in one
    // read: one scan where there is no index, one index range where there is.
    const [text, params] =
      from.value === null
        ? [sql.all, [CHANGE_LIMIT]]
        : [from.afterRowid === null ? sql.from : sql.after, [from.value, CHANGE_LIMIT]];
    const rows = await this.query<Record<string, unknown>>(text, params);
    this.readCount += rows.length;
    yield {
      rows: rows.map((row) => changedRow(table, row)),
      truncated: rows.length >= CHANGE_LIMIT,
    };
  }

  async *tieAt(table: SourceTable, value: unknown, limit: number): AsyncGenerator<TieCount> {
    const rows = await this.query<{ n: number }>(this.sql(table).tieCount, [value, limit + 1]);
    yield { rows: Number(rows[0]?.n ?? 0), rowid: null };
  }

  async *newestUpdated(table: SourceTable, limit: number): AsyncGenerator<unknown[]> {
    const rows = await this.query<{ v: unknown }>(this.sql(table).newest, [limit]);
    yield rows.map((row) => row.v);
  }

  async readRuns(runIds: readonly string[]): Promise<Map<string, ObservedRun>> {
    const lookups = this.openLookups();
    const events = this.events;
    return this.transaction(async (run) => {
      const runs = await lookups.read(runIds, run);
      await events?.addTo(runs, run);
      return runs;
    });
  }

  async existingRuns(runIds: readonly string[]): Promise<Set<string>> {
    const lookups = this.openLookups();
    return this.transaction((run) => lookups.existingAmong(runIds, run));
  }

  /** Every run, a page at a time in key order: each page one indexed read. */
  async *scanAllRuns(pageSize: number): AsyncGenerator<ScannedRun[]> {
    const lookups = this.openLookups();
    let after: unknown[] | null = null;
    for (;;) {
      const { sql, params } = lookups.scanPage(after, pageSize);
      const rows = await this.query<Record<string, unknown>>(sql, params);
      const page = rows.map((row) => ({
        rowid: null,
        runId: asText(row.run_id),
        status: asText(row.status),
        updatedAt: row.updated_at,
      }));
      if (page.length > 0) yield page;
      const last = rows[rows.length - 1];
      if (!last || rows.length < pageSize) return;
      after = lookups.keyOf(last);
    }
  }

  maxRowid(): null {
    return null;
  }

  async countRuns(): Promise<{ active: number; finished: number }> {
    const rows = await this.query<{ total: number; finished: number }>(
      `${this.views()}SELECT count(*) AS total, count(*) FILTER (WHERE ${TERMINAL_SQL}) AS finished FROM runs`,
      [],
    );
    const total = Number(rows[0]?.total ?? 0);
    const finished = Number(rows[0]?.finished ?? 0);
    return { active: total - finished, finished };
  }

  private config(): pg.ClientConfig {
    // libpq's meaning of sslmode: `require` encrypts without checking the certificate.
    const parsed = parseConnectionString(this.location.url, { useLibpqCompat: true });
    const fromUrl = typeof parsed.options === 'string' ? `${parsed.options} ` : '';
    return {
      ...(parsed as pg.ClientConfig),
      // Set after the URL's own, so a DBA always sees which connection is Runwatch's.
      application_name: 'runwatch',
      options: `${fromUrl}-c default_transaction_read_only=on -c TimeZone=UTC`,
      statement_timeout: this.timeoutMs,
      query_timeout: this.timeoutMs,
      connectionTimeoutMillis: this.timeoutMs,
      keepAlive: true,
      keepAliveInitialDelayMillis: 5_000,
      types,
    };
  }

  private drop(): void {
    this.client = null;
    this.shape = null;
    this.lookups = null;
    this.events = null;
    this.snapshot = null;
  }

  private openLookups(): PgLookups {
    if (!this.lookups) throw new SourceError('unreachable', `${this.path} is not open`);
    return this.lookups;
  }

  private views(): string {
    if (!this.shape) throw new SourceError('unreachable', `${this.path} is not open`);
    return this.shape.views;
  }

  private sql(table: SourceTable) {
    if (!this.shape) throw new SourceError('unreachable', `${this.path} is not open`);
    return this.shape.changes[table];
  }

  /** One statement after those queued before it; a dead connection closes the source. */
  private query<T extends object>(sql: string, params: unknown[]): Promise<T[]> {
    return this.exclusive(async (client) => (await client.query<T>(sql, params)).rows);
  }

  /**
   * Several statements in one read-only transaction, so they see one state of the database;
   * `run(sql, params)` returns each one's rows.
   */
  private transaction<T>(
    work: (
      run: (sql: string, params: unknown[]) => Promise<Record<string, unknown>[]>,
    ) => Promise<T>,
  ): Promise<T> {
    return this.exclusive(async (client) => {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        const result = await work(async (sql, params) => (await client.query(sql, params)).rows);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    });
  }

  private exclusive<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
    const next = this.queue.then(async () => {
      const client = this.client;
      if (!client) throw new SourceError('unreachable', `${this.path} is not open`);
      try {
        return await work(client);
      } catch (error) {
        const classified = classifyPgError(error, this.path);
        // A connection that timed out or was cut is not used again, nor one whose tables changed
        // under it (dropped, privileges taken): the monitor opens it again, and the opening
        // checks the schema and the grants anew.
        if (classified.kind !== 'locked' && this.client === client) {
          this.drop();
          void endClient(client);
        }
        throw classified;
      }
    });
    this.queue = next.catch(() => {});
    return next;
  }
}
