/**
 * The command line on a PostgreSQL database, as a user runs it: `watch --db postgresql://…`
 * reports a failed Airflow run, `status` lists the active runs, `check-config` holds a mapping
 * against the server; none of them prints the password.
 */
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { engineDb, now, type EngineDb } from '../support/engine-db.ts';
import { tempDir } from '../support/orchestration-db.ts';
import { pgMissing } from '../support/pg-database.ts';
import { killedAfterEach, ROOT, runwatch, watchDatabase } from '../support/processes.ts';
import { waitFor } from '../support/wait.ts';

const missing = pgMissing();
const track = killedAfterEach();

let db: EngineDb | null = null;
afterEach(async () => {
  await db?.close();
  db = null;
});

async function airflowRun(target: EngineDb, runId: string): Promise<void> {
  const t = now();
  await target.query(
    `INSERT INTO dag_run (dag_id, run_id, state, run_type, run_after, queued_at, start_date,
       updated_at) VALUES ('etl', ?, 'running', 'manual', ?, ?, ?, ?)`,
    [runId, t, t, t, t],
  );
}

/** A role that may only read the two tables, with a password. */
async function reader(target: EngineDb): Promise<string> {
  const url = new URL(target.location);
  const name = url.pathname.slice(1);
  const role = `${name}_cli`;
  await target.query(`CREATE ROLE ${role} LOGIN PASSWORD 'Sekr1t-pw'`);
  await target.query(`GRANT SELECT ON dag_run, task_instance TO ${role}`);
  url.username = role;
  url.password = 'Sekr1t-pw';
  return url.href;
}

describe(missing ? `the CLI on PostgreSQL (skipped: ${missing})` : 'the CLI on PostgreSQL', () => {
  it.skipIf(missing !== null)(
    'watch reports a failed DAG run; status and check-config read the server; no password shown',
    async () => {
      db = await engineDb('postgresql', {
        sqlite: [],
        postgresql: 'airflow-3-postgresql',
      });
      const url = await reader(db);
      await airflowRun(db, 'before');
      const dataDir = tempDir();
      const watch = track(watchDatabase(url, dataDir));
      await waitFor(() => watch.stderr.some((line) => /schema ok: airflow/.test(line)), 'start');
      await airflowRun(db, 'r1');
      await waitFor(() => watch.eventsOf('run_started').length > 0, 'run_started');
      await db.query(
        `UPDATE dag_run SET state = 'failed', end_date = ?, updated_at = ? WHERE run_id = 'r1'`,
        [now(), now()],
      );
      await waitFor(() => watch.eventsOf('run_completed').length > 0, 'run_completed');
      expect(watch.eventsOf('run_completed')[0]).toMatchObject({
        run_id: 'etl/r1',
        outcome: 'failed',
      });

      const status = track(runwatch(['status', '--db', url, '--json']));
      expect((await status.exited).code).toBe(0);
      const report = JSON.parse(status.stdout.join('\n')) as {
        db: string;
        runs: { run_id: string }[];
      };
      expect(report.db).toContain('••••');
      expect(report.runs.map((run) => run.run_id)).toEqual(['etl/before']);

      const check = track(
        runwatch(['check-config', path.join(ROOT, 'config/schemas/airflow.yaml'), '--db', url]),
      );
      expect((await check.exited).code).toBe(0);
      expect(check.stdout.join('\n')).toMatch(/fits; 1 active, 1 finished runs/);

      watch.kill();
      expect((await watch.exited).code).toBe(0);
      for (const child of [watch, status, check]) {
        expect([...child.stdout, ...child.stderr].join('\n')).not.toContain('Sekr1t-pw');
      }
    },
  );
});
