/**
 * Runwatch's default schema in PostgreSQL, written by another connection as a pipeline would,
 * watched through a URL: runs start, steps fail, runs finish, read-only and under its own name.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { PgSource } from '../../electron/core/source/pg/pg-source.ts';
import { MonitorHarness } from '../support/monitor-harness.ts';
import { RUNWATCH_PG_DDL } from '../support/pg-runwatch-schema.ts';
import { createDatabase, pgMissing, type TestDatabase } from '../support/pg-database.ts';
import { waitFor } from '../support/wait.ts';

const missing = pgMissing();

const DDL = RUNWATCH_PG_DDL;

let db: TestDatabase | null = null;
let harness: MonitorHarness | null = null;

afterEach(async () => {
  await harness?.stop();
  harness = null;
  await db?.drop();
  db = null;
});

async function startRun(target: TestDatabase, runId: string): Promise<void> {
  await target.exec(
    `INSERT INTO runs (run_id, pipeline, status, created_at, started_at, updated_at)
     VALUES ($1, 'etl', 'running', clock_timestamp(), clock_timestamp(), clock_timestamp())`,
    [runId],
  );
  // Two steps: one failing while the other runs is a step failure, not yet the run's end.
  await target.exec(
    `INSERT INTO steps (run_id, step_id, name, position, status, started_at, updated_at)
     VALUES ($1, 'load', 'Load', 0, 'running', clock_timestamp(), clock_timestamp()),
            ($1, 'report', 'Report', 1, 'running', clock_timestamp(), clock_timestamp())`,
    [runId],
  );
}

describe(missing ? `PostgreSQL sources (skipped: ${missing})` : 'PostgreSQL sources', () => {
  it.skipIf(missing !== null)(
    'reads the default schema through a URL: a start, a failed step, the run failed',
    async () => {
      db = await createDatabase();
      await db.exec(DDL);
      await startRun(db, 'before');
      harness = new MonitorHarness(db.url).start();
      await waitFor(() => harness?.diagnostics, 'the first read');
      expect(harness.diagnostics).toMatchObject({
        journalMode: expect.stringMatching(/^postgresql \d+/),
        schema: { name: 'runwatch', detected: true },
        active: 1,
      });

      await startRun(db, 'r1');
      await harness.waitFor('run_started', 'r1');
      await db.exec(
        `UPDATE steps SET status = 'failed', message = 'disk full', finished_at = clock_timestamp(),
           updated_at = clock_timestamp() WHERE run_id = 'r1' AND step_id = 'load'`,
      );
      await harness.waitFor('step_failed', 'r1');
      await db.exec(
        `UPDATE runs SET status = 'failed', finished_at = clock_timestamp(),
           updated_at = clock_timestamp() WHERE run_id = 'r1'`,
      );
      const done = await harness.waitFor('run_completed', 'r1');
      expect(done).toMatchObject({ outcome: 'failed', pipeline: 'etl' });
      // The run that was running at the start is followed too, and still running.
      expect(harness.of('run_completed', 'before')).toEqual([]);
    },
  );

  it.skipIf(missing !== null)(
    'passes a bulk load that shares one stamp instead of reading it again at every change',
    async () => {
      db = await createDatabase();
      await db.exec(DDL);
      // One statement: every row stamped with the transaction's now().
      await db.exec(
        `INSERT INTO runs (run_id, pipeline, status, created_at, started_at, updated_at)
         SELECT 'bulk-' || i, 'etl', 'running', now(), now(), now() FROM generate_series(1, 3000) i`,
      );
      harness = new MonitorHarness(db.url).start();
      await waitFor(() => harness?.diagnostics, 'the first read', 30_000);
      const source = harness.monitor.source as PgSource;
      const before = source.rowsRead;
      for (const runId of ['bulk-7', 'bulk-2999']) {
        await db.exec(
          `UPDATE runs SET status = 'failed', finished_at = clock_timestamp(),
             updated_at = clock_timestamp() WHERE run_id = $1`,
          [runId],
        );
        await harness.waitFor('run_completed', runId);
      }
      // Two rows changed; each may be read by a check and by a lookback.
      expect(source.rowsRead - before).toBeLessThan(20);
    },
  );

  it.skipIf(missing !== null)(
    'connects under application_name runwatch, in read-only sessions, as a role that may only read',
    async () => {
      db = await createDatabase();
      await db.exec(DDL);
      const reader = await db.readOnlyRole(['runs', 'steps']);
      harness = new MonitorHarness(reader).start();
      await waitFor(() => harness?.diagnostics, 'the first read');
      const seen = await db.exec(
        `SELECT application_name, usename FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`,
        [db.name],
      );
      expect(seen.rows).toEqual([{ application_name: 'runwatch', usename: `${db.name}_reader` }]);
      await startRun(db, 'r2');
      await harness.waitFor('run_started', 'r2');
      // Nothing Runwatch logged names the password.
      expect(harness.logs.join('\n')).not.toContain('p@ss');
    },
  );
});
