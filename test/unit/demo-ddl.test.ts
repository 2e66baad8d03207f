import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AIRFLOW_DDL } from '../../electron/core/demo/airflow-ddl.ts';
import { DAGSTER_EVENT_LOG_DDL, DAGSTER_RUNS_DDL } from '../../electron/core/demo/dagster-ddl.ts';
import { MLFLOW_DDL } from '../../electron/core/demo/mlflow-ddl.ts';
import { PREFECT_DDL } from '../../electron/core/demo/prefect-ddl.ts';

const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/source-schemas');

/** The statements alone: comments, blank lines and trailing spaces say nothing to SQLite. */
function statements(sql: string): string[] {
  return sql
    .split('\n')
    .filter((line) => !line.trim().startsWith('--'))
    .map((line) => line.replace(/\s+--.*$/, '').trimEnd())
    .filter((line) => line.trim() !== '');
}

describe("the demo's orchestrator tables", () => {
  it.each([
    ['airflow-3.sql', AIRFLOW_DDL],
    ['prefect-3.sql', PREFECT_DDL],
    ['mlflow.sql', MLFLOW_DDL],
    ['dagster-runs.sql', DAGSTER_RUNS_DDL],
    ['dagster-event-log.sql', DAGSTER_EVENT_LOG_DDL],
  ])('are the statements of the cited fixture %s', (fixture, ddl) => {
    const cited = fs.readFileSync(path.join(FIXTURES, fixture), 'utf8');
    expect(statements(ddl)).toEqual(statements(cited));
  });
});
