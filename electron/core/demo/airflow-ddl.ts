/**
 * Apache Airflow 3.x: dag_run and task_instance, as that tool creates them on SQLite: the statements of
 * test/fixtures/source-schemas/airflow-3.sql, which cites where each was read (a unit test keeps the
 * two the same). The demo writes into these tables as that tool does.
 */
export const AIRFLOW_DDL = `
CREATE TABLE dag_run (
	id INTEGER NOT NULL,
	dag_id VARCHAR(250) NOT NULL,
	queued_at TIMESTAMP,
	logical_date TIMESTAMP,
	start_date TIMESTAMP,
	end_date TIMESTAMP,
	state VARCHAR(50),
	run_id VARCHAR(250) NOT NULL,
	creating_job_id INTEGER,
	run_type VARCHAR(50) NOT NULL,
	triggered_by VARCHAR(50),
	triggering_user_name VARCHAR(512),
	conf JSON,
	data_interval_start TIMESTAMP,
	data_interval_end TIMESTAMP,
	run_after TIMESTAMP NOT NULL,
	last_scheduling_decision TIMESTAMP,
	log_template_id INTEGER,
	updated_at TIMESTAMP,
	clear_number INTEGER DEFAULT '0' NOT NULL,
	backfill_id INTEGER,
	bundle_version VARCHAR(250),
	scheduled_by_job_id INTEGER,
	context_carrier JSON,
	span_status VARCHAR(250) DEFAULT 'not_started' NOT NULL,
	created_dag_version_id CHAR(32),
	CONSTRAINT dag_run_pkey PRIMARY KEY (id),
	CONSTRAINT dag_run_dag_id_run_id_key UNIQUE (dag_id, run_id),
	CONSTRAINT dag_run_dag_id_logical_date_key UNIQUE (dag_id, logical_date)
);
CREATE INDEX dag_id_state ON dag_run (dag_id, state);
CREATE INDEX idx_dag_run_dag_id ON dag_run (dag_id);
CREATE INDEX idx_dag_run_run_after ON dag_run (run_after);
CREATE INDEX idx_dag_run_running_dags ON dag_run (state, dag_id) WHERE state='running';
CREATE INDEX idx_dag_run_queued_dags ON dag_run (state, dag_id) WHERE state='queued';
CREATE TABLE task_instance (
	id VARCHAR(36) NOT NULL,
	task_id VARCHAR(250) NOT NULL,
	dag_id VARCHAR(250) NOT NULL,
	run_id VARCHAR(250) NOT NULL,
	map_index INTEGER DEFAULT -1 NOT NULL,
	start_date TIMESTAMP,
	end_date TIMESTAMP,
	duration FLOAT,
	state VARCHAR(20),
	try_number INTEGER,
	max_tries INTEGER DEFAULT -1,
	hostname VARCHAR(1000),
	unixname VARCHAR(1000),
	pool VARCHAR(256) NOT NULL,
	pool_slots INTEGER NOT NULL,
	queue VARCHAR(256),
	priority_weight INTEGER,
	operator VARCHAR(1000),
	custom_operator_name VARCHAR(1000),
	queued_dttm TIMESTAMP,
	scheduled_dttm TIMESTAMP,
	queued_by_job_id INTEGER,
	last_heartbeat_at TIMESTAMP,
	pid INTEGER,
	executor VARCHAR(1000),
	executor_config BLOB,
	updated_at TIMESTAMP,
	rendered_map_index VARCHAR(250),
	context_carrier JSON,
	span_status VARCHAR(250) DEFAULT 'not_started' NOT NULL,
	external_executor_id VARCHAR(250),
	trigger_id INTEGER,
	trigger_timeout TIMESTAMP,
	next_method VARCHAR(1000),
	next_kwargs JSON,
	task_display_name VARCHAR(2000),
	dag_version_id CHAR(32),
	CONSTRAINT task_instance_pkey PRIMARY KEY (id),
	CONSTRAINT task_instance_composite_key UNIQUE (dag_id, task_id, run_id, map_index),
	CONSTRAINT task_instance_dag_run_fkey FOREIGN KEY(dag_id, run_id) REFERENCES dag_run (dag_id, run_id) ON DELETE CASCADE
);
CREATE INDEX ti_dag_state ON task_instance (dag_id, state);
CREATE INDEX ti_dag_run ON task_instance (dag_id, run_id);
CREATE INDEX ti_state ON task_instance (state);
CREATE INDEX ti_state_lkp ON task_instance (dag_id, task_id, run_id, state);
CREATE INDEX ti_pool ON task_instance (pool, state, priority_weight);
CREATE INDEX ti_trigger_id ON task_instance (trigger_id);
CREATE INDEX ti_heartbeat ON task_instance (last_heartbeat_at);
`;
