/**
 * A schema of someone else's through a mapping file: the source reads it as runs and steps,
 * finds its changes by its own indexes, and never writes to it. A real SQLite file, written by
 * another connection.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it, onTestFinished } from 'vitest';
import { parseProfile } from '../../electron/core/source/profile/profile-file.ts';
import { SourceError } from '../../electron/core/source/source-error.ts';
import { SqliteSource } from '../../electron/core/source/sqlite-source.ts';
import { JOBS_MAPPING as MAPPING } from '../support/jobs-mapping.ts';
import { tempDir } from '../support/orchestration-db.ts';
import { runwatch } from '../support/processes.ts';

const SCHEMA = `
CREATE TABLE job (id INTEGER PRIMARY KEY, queue TEXT NOT NULL, job_key TEXT NOT NULL,
  state TEXT, began REAL, ended TEXT, touched TEXT NOT NULL, UNIQUE (queue, job_key));
CREATE INDEX job_touched ON job (touched);
CREATE TABLE task (id INTEGER PRIMARY KEY, queue TEXT NOT NULL, job_key TEXT NOT NULL,
  name TEXT NOT NULL, shard INTEGER NOT NULL DEFAULT -1, state TEXT, touched TEXT NOT NULL);
CREATE INDEX task_job ON task (queue, job_key);
`;

function setUp(mapping = MAPPING, warn: (message: string) => void = () => {}) {
  const dir = tempDir('runwatch-mapping-');
  onTestFinished(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'jobs.db');
  const writer = new Database(file);
  writer.pragma('journal_mode = wal');
  writer.exec(SCHEMA);
  onTestFinished(() => {
    writer.close();
  });
  const mappingFile = path.join(dir, 'jobs.yaml');
  fs.writeFileSync(mappingFile, mapping);
  const source = new SqliteSource(
    file,
    { profile: parseProfile(mapping, mappingFile), text: mapping },
    warn,
  );
  onTestFinished(() => source.close());
  return { file, writer, source, mappingFile };
}

describe('a database read through a mapping file', () => {
  it('names a time its encoding cannot read, once per column, and reads it as no time', () => {
    const said: string[] = [];
    const { file, writer, source } = setUp(MAPPING, (message) => said.push(message));
    // `began` is epoch seconds: a date written as text there is not one, and never 1970.
    writer
      .prepare(
        `INSERT INTO job (queue, job_key, state, began, ended, touched) VALUES
         ('nightly', 'k1', 'busy', '2025-12-05 16:00:00', NULL, '2025-12-05 16:00:05'),
         ('nightly', 'k2', 'busy', 'soon', 'never', '2025-12-05 16:00:06'),
         ('nightly', 'k3', 'busy', '1764950400', NULL, '2025-12-05 16:00:07'),
         ('nightly', 'k4', 'busy', '2024-01-01', NULL, '2025-12-05 16:00:08'),
         ('nightly', 'k5', 'busy', '-', NULL, '2025-12-05 16:00:09'),
         ('nightly', 'k6', 'busy', '1.7649504e+9', NULL, '2025-12-05 16:00:10'),
         ('nightly', 'k7', 'busy', 'e5', NULL, '2025-12-05 16:00:11')`,
      )
      .run();
    source.open();
    const runs = source.readRuns([
      'nightly/k1',
      'nightly/k2',
      'nightly/k3',
      'nightly/k4',
      'nightly/k5',
      'nightly/k6',
      'nightly/k7',
    ]);
    // Neither a year nor 0: text that is not a number reads as no time.
    expect(runs.get('nightly/k4')?.startedAt).toBeNull();
    expect(runs.get('nightly/k5')?.startedAt).toBeNull();
    expect(runs.get('nightly/k7')?.startedAt).toBeNull();
    expect(runs.get('nightly/k6')?.startedAt).toBe(1764950400000);
    expect(runs.get('nightly/k1')?.startedAt).toBeNull();
    expect(runs.get('nightly/k2')?.startedAt).toBeNull();
    expect(runs.get('nightly/k2')?.finishedAt).toBeNull();
    expect(runs.get('nightly/k3')?.startedAt).toBe(1764950400000);
    expect(said).toEqual([
      `${file}: job.began (epoch-s): '2025-12-05 16:00:00' (run nightly/k1) is not a timestamp in that encoding: read as no time`,
    ]);
    source.readRuns(['nightly/k2']);
    expect(said).toHaveLength(1);
  });

  it('reads its runs and steps as Runwatch sees them', () => {
    const { writer, source } = setUp();
    writer
      .prepare(
        `INSERT INTO job (queue, job_key, state, began, ended, touched) VALUES
         ('nightly', 'k1', 'Busy', 1764950400, NULL, '2025-12-05 16:00:05.250000'),
         ('nightly/eu', 'k2', 'done', 1764950400, '2025-12-05 17:00:00', '2025-12-05 16:00:00'),
         ('adhoc', 'k3', 'paused', NULL, NULL, '2025-12-05 16:00:00')`,
      )
      .run();
    writer
      .prepare(
        `INSERT INTO task (queue, job_key, name, shard, state, touched) VALUES
         ('nightly', 'k1', 'load', -1, 'DONE', '2025-12-05 16:00:01'),
         ('nightly', 'k1', 'fan', 0, 'Going', '2025-12-05 16:00:09'),
         ('nightly', 'k1', 'fan', 1, NULL, '2025-12-05 16:00:02'),
         ('nightly/eu', 'k2', 'load', -1, 'done', '2025-12-05 16:00:00'),
         ('adhoc', 'k3', 'probe', -1, 'Cancelled', '2025-12-05 16:00:00')`,
      )
      .run();
    const info = source.open();
    expect(info.schema).toEqual({
      name: 'jobs',
      description: "A job queue's runs and tasks",
      detected: false,
      file: expect.stringMatching(/jobs\.yaml$/),
    });
    // Steps are found changed by scanning: their table has no index on `touched`.
    expect(info.missingIndexes).toEqual([{ table: 'task', column: 'touched', statement: null }]);

    const runs = source.readRuns(['nightly/k1', 'nightly/eu/k2', 'adhoc/k3', 'nightly/gone']);
    expect([...runs.keys()].sort()).toEqual(['adhoc/k3', 'nightly/eu/k2', 'nightly/k1']);
    const k1 = runs.get('nightly/k1');
    expect(k1).toMatchObject({
      pipeline: 'nightly',
      status: 'running',
      startedAt: Date.UTC(2025, 11, 5, 16, 0, 0),
      updatedAt: Date.UTC(2025, 11, 5, 16, 0, 5, 250),
      finishedAt: null,
      artifactsDir: '/srv/out/nightly/k1',
    });
    expect(k1?.steps.map((step) => [step.stepId, step.name, step.status]).sort()).toEqual([
      ['fan/0', 'fan', 'running'],
      ['fan/1', 'fan', 'pending'],
      ['load', 'load', 'succeeded'],
    ]);
    // Naive local time, read in the zone Runwatch runs in.
    const local = new Date(2025, 11, 5, 17, 0, 0).getTime();
    expect(runs.get('nightly/eu/k2')).toMatchObject({ status: 'succeeded', finishedAt: local });
    // Its first part holds a `/`: found by its whole id, steps and all.
    expect(runs.get('nightly/eu/k2')?.steps.map((step) => step.stepId)).toEqual(['load']);
    // A word of Runwatch's that the map leaves out is not taken as one.
    expect(runs.get('adhoc/k3')?.steps.map((step) => step.status)).toEqual(['unmapped Cancelled']);
    // A value the map does not cover stays as written: the monitor names it and waits.
    expect(runs.get('adhoc/k3')?.status).toBe('paused');
    expect(source.existingRuns(['nightly/eu/k2', 'nightly/gone'])).toEqual(
      new Set(['nightly/eu/k2']),
    );
  });

  it('reads ISO offsets written without a colon, and skips a part whatever its type', () => {
    const mapping = MAPPING.replace('encoding: naive-local }', 'encoding: iso }').replace(
      '{ column: shard, skip: -1 }',
      '{ column: shard, skip: "-1" }',
    );
    const { writer, source } = setUp(mapping);
    writer
      .prepare(
        `INSERT INTO job (queue, job_key, state, ended, touched)
         VALUES ('q', 'a', 'done', '2026-01-01T10:00:00+0200', '2026-01-01 08:00:00')`,
      )
      .run();
    writer
      .prepare(
        `INSERT INTO task (queue, job_key, name, shard, state, touched)
         VALUES ('q', 'a', 'x', -1, 'DONE', '2026-01-01 08:00:00')`,
      )
      .run();
    source.open();
    const run = source.readRuns(['q/a']).get('q/a');
    expect(run?.finishedAt).toBe(Date.UTC(2026, 0, 1, 8, 0, 0));
    expect(run?.steps.map((step) => step.stepId)).toEqual(['x']);
  });

  it('finds changed rows by the updated column and new ones by rowid', () => {
    const { writer, source } = setUp();
    writer
      .prepare(
        `INSERT INTO job (queue, job_key, state, touched) VALUES ('q', 'a', 'busy', '2025-12-05 10:00:00')`,
      )
      .run();
    source.open();
    const top = { runs: source.maxRowid('runs'), steps: source.maxRowid('steps') };
    writer
      .prepare(
        `INSERT INTO task (queue, job_key, name, state, touched) VALUES ('q', 'a', 'x', 'going', '2025-12-05 10:00:01')`,
      )
      .run();
    writer.prepare(`UPDATE job SET state = 'done', touched = '2025-12-05 10:00:02'`).run();
    const added = source.readNewRows(top).rows;
    expect(added.map((row) => [row.table, row.key, row.status])).toEqual([
      ['steps', 'q/a\u0000x', 'running'],
    ]);
    const [updated] = [
      ...source.readUpdatedRows('runs', { value: '2025-12-05 10:00:00', afterRowid: null }, null),
    ];
    expect(updated?.rows.map((row) => [row.runId, row.status, row.updatedAt])).toEqual([
      ['q/a', 'succeeded', '2025-12-05 10:00:02'],
    ]);
    expect(updated?.rows[0]?.writtenAt).toBe(Date.UTC(2025, 11, 5, 10, 0, 2));
    // Nothing was written to the watched file.
    expect(
      writer
        .prepare(`SELECT count(*) FROM sqlite_master WHERE name IN ('runs', 'steps')`)
        .pluck()
        .get(),
    ).toBe(0);
  });

  it('names each column the database lacks where the mapping writes it', () => {
    const broken = MAPPING.replace(
      'column: state\n    map: { waiting',
      'column: stat\n    map: { waiting',
    ).replace('  table: task', '  table: tasks');
    const { source, mappingFile } = setUp(broken);
    let error: unknown;
    try {
      source.open();
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SourceError);
    const lines = (error as SourceError).message.split('\n');
    expect(lines.slice(1)).toEqual([
      `${mappingFile}:11:13: runs.status.column: table job has no column stat (did you mean state?)`,
      `${mappingFile}:19:10: steps.table: no table tasks in the database (did you mean task?)`,
    ]);
  });

  it('is checked by check-config, alone and against a database', async () => {
    const { file, mappingFile } = setUp();
    const alone = runwatch(['check-config', mappingFile]);
    expect((await alone.exited).code).toBe(0);
    expect(alone.stdout.slice(0, 4)).toEqual([
      `${mappingFile}: ok`,
      "  schema jobs: A job queue's runs and tasks",
      '  runs: job (id queue/job_key)',
      '  steps: task',
    ]);
    const against = runwatch(['check-config', mappingFile, '--db', file]);
    expect((await against.exited).code).toBe(0);
    expect(against.stdout.at(-1)).toBe(`  ${file}: fits; 0 active, 0 finished runs`);
    expect(against.stderr).toContain(
      'warning: no index on task(touched): changes there are read from the write-ahead log, and scanned for in windows of rowids after a checkpoint empties it',
    );

    fs.writeFileSync(
      mappingFile,
      MAPPING.replace('  updated: touched\n  progress', '  updated: touch\n  progress'),
    );
    const wrong = runwatch(['check-config', mappingFile, '--db', file]);
    expect((await wrong.exited).code).toBe(1);
    expect(wrong.stderr).toContain(
      `${mappingFile}:15:12: runs.updated: table job has no column touch (columns: id, queue, job_key, state, began, ended, touched)`,
    );
  });
});
