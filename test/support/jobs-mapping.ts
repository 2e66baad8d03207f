/**
 * A mapping file for a job queue's own schema (jobs and their tasks): composite ids, a step id
 * part left out when -1, statuses in any case, epoch-second and naive-local times, an optional
 * progress column that is not there, and an artifacts template.
 */
export const JOBS_MAPPING = `name: jobs
description: A job queue's runs and tasks
detect:
  job: [job_key, queue, state]
timestamps: naive-utc
runs:
  table: job
  id: [queue, job_key]
  pipeline: queue
  status:
    column: state
    map: { waiting: pending, busy: running, done: succeeded, broken: failed }
  started: { column: began, encoding: epoch-s }
  finished: { column: ended, encoding: naive-local }
  updated: touched
  progress: [touched, { column: beat, optional: true }]
  artifacts: { template: "/srv/out/{queue}/{job_key}" }
steps:
  table: task
  run: [queue, job_key]
  id: [name, { column: shard, skip: -1 }]
  name: name
  status:
    column: state
    when_null: pending
    map: { DONE: succeeded, failed: failed, going: running }
  updated: touched
`;
