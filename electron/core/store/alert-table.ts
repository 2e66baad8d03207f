import type Database from 'better-sqlite3';
import { AlertOutbox } from './alert-outbox.ts';
import { AlertRows } from './alert-rows.ts';
import { ChannelState } from './channel-state.ts';
import { DeliveryLog } from './delivery-log.ts';
import { OutboxMembers } from './outbox-members.ts';
import { SilenceTable } from './silence-table.ts';
import { TransitionLog } from './transition-log.ts';

/**
 * The alert engine's tables in state.db (ARCHITECTURE.md §7) as one object for the engine, the
 * dispatcher, the API and the commands, which each use several. Callers use the parts directly;
 * only what spans parts lives here: dropping a batch's caches, and pruning.
 */
export class AlertTable {
  readonly rows: AlertRows;
  readonly transitions: TransitionLog;
  /** Members change with their row, so writes go through `outbox`; `members` is for reading. */
  readonly outbox: AlertOutbox;
  readonly members: OutboxMembers;
  readonly channels: ChannelState;
  readonly attempts: DeliveryLog;
  readonly silences: SilenceTable;

  constructor(db: Database.Database) {
    this.rows = new AlertRows(db);
    this.transitions = new TransitionLog(db);
    this.members = new OutboxMembers(db);
    this.outbox = new AlertOutbox(db, this.members);
    this.channels = new ChannelState(db);
    this.attempts = new DeliveryLog(db);
    this.silences = new SilenceTable(db);
  }

  /** Drops what was looked up: other code may have changed rows since. */
  forget(): void {
    this.channels.forget();
    this.outbox.forget();
  }

  /**
   * Deletes one chunk of history older than `before`: ended deliveries with their members and
   * attempts, transitions, and alerts no longer firing. Returns how many rows went, so the caller
   * repeats in short transactions until nothing is left.
   */
  pruneChunk(before: number): number {
    const rows = this.outbox.endedBefore(before);
    for (const id of rows) {
      this.attempts.deleteOf(id);
      this.outbox.delete(id);
    }
    return rows.length + this.transitions.prune(before) + this.rows.prune(before);
  }
}
