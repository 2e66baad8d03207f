/** Runwatch's default schema as a pipeline would create it in PostgreSQL: typed timestamps. */
export const RUNWATCH_PG_DDL = `
CREATE TABLE runs (
  run_id text PRIMARY KEY, pipeline text NOT NULL DEFAULT '', status text NOT NULL,
  created_at timestamptz NOT NULL, started_at timestamptz, updated_at timestamptz NOT NULL,
  finished_at timestamptz, artifacts_dir text);
CREATE TABLE steps (
  run_id text NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE, step_id text NOT NULL,
  name text NOT NULL DEFAULT '', position integer NOT NULL DEFAULT 0, status text NOT NULL,
  started_at timestamptz, updated_at timestamptz NOT NULL, finished_at timestamptz, message text,
  PRIMARY KEY (run_id, step_id));
CREATE INDEX runs_updated ON runs(updated_at);
CREATE INDEX steps_updated ON steps(updated_at);
`;
