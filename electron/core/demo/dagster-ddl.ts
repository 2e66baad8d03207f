/**
 * Dagster's SQLite storage, as that tool creates it: the run storage's tables
 * (`history/runs.db`) and the event log of a run (`history/runs/<run_id>.db`), the statements
 * of test/fixtures/source-schemas/dagster-runs.sql and dagster-event-log.sql, which cite where
 * each was read (a unit test keeps them the same). The demo writes into these tables as that
 * tool does.
 */
export const DAGSTER_RUNS_DDL = `
CREATE TABLE runs (
	id INTEGER NOT NULL,
	run_id VARCHAR(255),
	snapshot_id VARCHAR(255),
	pipeline_name TEXT,
	mode TEXT,
	status VARCHAR(63),
	run_body TEXT,
	partition TEXT,
	partition_set TEXT,
	create_timestamp DATETIME DEFAULT (CURRENT_TIMESTAMP),
	update_timestamp DATETIME DEFAULT (CURRENT_TIMESTAMP),
	start_time FLOAT,
	end_time FLOAT,
	backfill_id VARCHAR(255),
	PRIMARY KEY (id),
	UNIQUE (run_id)
);
CREATE INDEX idx_run_partitions ON runs (partition_set, partition);
CREATE INDEX idx_run_range ON runs (status, update_timestamp, create_timestamp);
CREATE INDEX idx_run_status ON runs (status);
CREATE INDEX idx_runs_by_backfill_id ON runs (backfill_id, id);
CREATE INDEX idx_runs_by_job ON runs (pipeline_name, id);
CREATE TABLE run_tags (
	id INTEGER NOT NULL,
	run_id VARCHAR(255),
	"key" TEXT,
	value TEXT,
	PRIMARY KEY (id),
	FOREIGN KEY(run_id) REFERENCES runs (run_id) ON DELETE CASCADE
);
CREATE INDEX idx_run_tags ON run_tags ("key", value);
CREATE INDEX idx_run_tags_run_idx ON run_tags (run_id, id);
`;

export const DAGSTER_EVENT_LOG_DDL = `
CREATE TABLE event_logs (
	id INTEGER NOT NULL,
	run_id VARCHAR(255),
	event TEXT NOT NULL,
	dagster_event_type TEXT,
	timestamp TIMESTAMP,
	step_key TEXT,
	asset_key TEXT,
	partition TEXT,
	PRIMARY KEY (id)
);
CREATE INDEX idx_event_type ON event_logs (dagster_event_type, id);
CREATE INDEX idx_events_by_asset ON event_logs (asset_key, dagster_event_type, id);
CREATE INDEX idx_events_by_asset_partition ON event_logs (asset_key, dagster_event_type, partition, id);
CREATE INDEX idx_events_by_run_id ON event_logs (run_id, id);
CREATE INDEX idx_step_key ON event_logs (step_key);
`;
