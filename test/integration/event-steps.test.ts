/**
 * Steps given as events in a file per run (Dagster's event logs), read by the source itself:
 * a commit that is in a log's `-wal` before readers can see it is still read, and a run whose
 * file is not there yet does not make every look a change.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DAGSTER_RUNS_DDL } from '../../electron/core/demo/dagster-ddl.ts';
import { DagsterStorage } from '../../electron/core/demo/dagster-writer.ts';
import { createSchema } from '../../electron/core/demo/demo-schema.ts';
import { schemaChoice } from '../../electron/core/source/builtin-profiles.ts';
import { SqliteSource } from '../../electron/core/source/sqlite-source.ts';
import { tempDir } from '../support/orchestration-db.ts';
import { sleep } from '../support/wait.ts';

const closing: { close(): void }[] = [];
afterEach(() => {
  for (const item of closing.splice(0).reverse()) item.close();
});

function storage() {
  const home = tempDir('runwatch-events-');
  const file = path.join(home, 'history', 'runs.db');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const db = new Database(file);
  createSchema(db, DAGSTER_RUNS_DDL);
  const writer = new DagsterStorage(db);
  closing.push(writer);
  const source = new SqliteSource(file, schemaChoice('dagster'));
  closing.push(source);
  return { home, file, writer, source };
}

const RUN = 'c0ffee00-0000-4000-8000-000000000001';

/** The run's steps as the source reads them now: their statuses, in order. */
function stepStatuses(source: SqliteSource): string[] | undefined {
  return source
    .readRuns([RUN])
    .get(RUN)
    ?.steps.map((step) => step.status);
}

describe('steps from a file of events per run', () => {
  it('reads a commit that was in the log before readers could see it', async () => {
    const { writer, source } = storage();
    writer.addRun(RUN, 'job');
    writer.event(RUN, 'PIPELINE_START', null);
    writer.event(RUN, 'STEP_START', 'load');
    const log = writer.logFile(RUN);
    source.open();
    source.markWrites();
    expect(stepStatuses(source)).toEqual(['running']);

    // The next commit, written by a copy of the log and laid over it: its frames are in the
    // `-wal` but the `-shm` still ends before them, as between a writer's sync and its publish.
    const copy = path.join(path.dirname(log), 'copy');
    fs.mkdirSync(copy);
    for (const suffix of ['', '-wal', '-shm']) {
      fs.copyFileSync(log + suffix, path.join(copy, `log.db${suffix}`));
    }
    const other = new Database(path.join(copy, 'log.db'));
    other.pragma('wal_autocheckpoint = 0');
    other
      .prepare(
        `INSERT INTO event_logs (run_id, event, dagster_event_type, timestamp, step_key)
         VALUES (?, '{}', 'STEP_SUCCESS', '2026-12-07 10:00:00.000000', 'load')`,
      )
      .run(RUN);
    const wal = fs.readFileSync(path.join(copy, 'log.db-wal'));
    const shm = fs.readFileSync(path.join(copy, 'log.db-shm'));
    other.close();
    const before = source.dataVersion();
    fs.writeFileSync(`${log}-wal`, wal);
    expect(source.dataVersion()).not.toBe(before);
    source.readNewRows({ runs: null, steps: null });
    expect(stepStatuses(source)).toEqual(['running']);

    // Published: only the `-shm` changes, which moves neither the file's size nor its time.
    fs.writeFileSync(`${log}-shm`, shm);
    const published = source.dataVersion();
    await sleep(1_200);
    expect(source.dataVersion()).not.toBe(published);
    source.readNewRows({ runs: null, steps: null });
    expect(stepStatuses(source)).toEqual(['succeeded']);
  });

  it('does not count a run whose file is not there yet as a change at every look', async () => {
    const { writer, source } = storage();
    writer.addRun(RUN, 'job');
    source.open();
    source.markWrites();
    expect(source.readRuns([RUN]).get(RUN)?.steps).toEqual([]);
    // One more look a little later, as the monitor takes it; then nothing moves.
    await sleep(1_200);
    source.dataVersion();
    source.readNewRows({ runs: null, steps: null });
    const settled = source.dataVersion();
    for (let i = 0; i < 5; i++) expect(source.dataVersion()).toBe(settled);
    // Its first event creates the file: that is a change.
    writer.event(RUN, 'STEP_START', 'load');
    expect(source.dataVersion()).not.toBe(settled);
    source.readNewRows({ runs: null, steps: null });
    expect(stepStatuses(source)).toEqual(['running']);
  });
});
