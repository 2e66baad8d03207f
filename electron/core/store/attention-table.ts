import type Database from 'better-sqlite3';
import type { AckTarget, AttentionItem } from '../../../shared/attention.ts';
import { toIso } from '../time/timestamp.ts';

/**
 * What needs a look in state.db — active runs stalled or overdue, pipelines whose last run
 * failed — and their acknowledgement, which lasts until a new stall, overdue or attempt.
 */
export class AttentionTable {
  private readonly db: Database.Database;
  private readonly sql;

  constructor(db: Database.Database) {
    this.db = db;
    this.sql = {
      attention: db.prepare(
        `SELECT CASE WHEN stall_since IS NOT NULL THEN 'stalled' ELSE 'overdue' END AS kind,
                pipeline, run_id, attempt, coalesce(stall_since, overdue_at) AS since
           FROM runs
          WHERE phase = 'active' AND (stall_since IS NOT NULL OR overdue_at IS NOT NULL)
            AND attention_acked_at IS NULL
         UNION ALL
         SELECT 'failed', pipeline, last_run_id, last_attempt, last_finished_at
           FROM pipelines WHERE last_outcome = 'failed' AND failure_acked_at IS NULL
         ORDER BY since`,
      ),
      ackRun: db.prepare(
        `UPDATE runs SET attention_acked_at = @now
          WHERE run_id = @run AND attention_acked_at IS NULL
            AND (stall_since IS NOT NULL OR overdue_at IS NOT NULL)`,
      ),
      ackRunFailure: db.prepare(
        `UPDATE pipelines SET failure_acked_at = @now
          WHERE last_run_id = @run AND last_outcome = 'failed' AND failure_acked_at IS NULL`,
      ),
      ackPipelineRuns: db.prepare(
        `UPDATE runs SET attention_acked_at = @now
          WHERE pipeline = @pipeline AND attention_acked_at IS NULL
            AND (stall_since IS NOT NULL OR overdue_at IS NOT NULL)`,
      ),
      ackPipelineFailure: db.prepare(
        `UPDATE pipelines SET failure_acked_at = @now
          WHERE pipeline = @pipeline AND last_outcome = 'failed' AND failure_acked_at IS NULL`,
      ),
      ackAllRuns: db.prepare(
        `UPDATE runs SET attention_acked_at = @now
          WHERE attention_acked_at IS NULL AND (stall_since IS NOT NULL OR overdue_at IS NOT NULL)`,
      ),
      ackAllFailures: db.prepare(
        `UPDATE pipelines SET failure_acked_at = @now
          WHERE last_outcome = 'failed' AND failure_acked_at IS NULL`,
      ),
    };
  }

  list(source: string): AttentionItem[] {
    return (
      this.sql.attention.all() as {
        kind: AttentionItem['kind'];
        pipeline: string;
        run_id: string;
        attempt: number;
        since: number;
      }[]
    ).map((row) => ({
      kind: row.kind,
      source,
      pipeline: row.pipeline,
      run_id: row.run_id,
      attempt: row.attempt,
      since: toIso(row.since),
    }));
  }

  /** Marks what needs attention as seen; returns how many items it covered. */
  acknowledge(target: AckTarget, now: number): number {
    return this.db
      .transaction(() => {
        if ('run' in target) {
          const params = { now, run: target.run };
          return this.sql.ackRun.run(params).changes + this.sql.ackRunFailure.run(params).changes;
        }
        if ('pipeline' in target) {
          const params = { now, pipeline: target.pipeline };
          return (
            this.sql.ackPipelineRuns.run(params).changes +
            this.sql.ackPipelineFailure.run(params).changes
          );
        }
        return (
          this.sql.ackAllRuns.run({ now }).changes + this.sql.ackAllFailures.run({ now }).changes
        );
      })
      .immediate();
  }
}
