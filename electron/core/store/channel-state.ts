import type Database from 'better-sqlite3';

/** Channels whose "delivery failing" notice is raised, for the engine and for history. */
export const FAILING_CHANNELS = `SELECT channel, failing_since AS since, failing_error AS error
  FROM channel_state WHERE failing_notice = 1 ORDER BY channel`;

/** Each channel's group window and delivery failure, in state.db. */
export class ChannelState {
  private readonly sql;
  /**
   * Group windows looked up while handling one batch of events: the engine asks for the same few
   * again and again. Cleared by `forget()` before each batch.
   */
  private readonly windows = new Map<string, number | null>();

  constructor(db: Database.Database) {
    this.sql = {
      windowUntil: db.prepare('SELECT window_until FROM channel_state WHERE channel = ?').pluck(),
      setWindow: db.prepare(
        `INSERT INTO channel_state (channel, window_until) VALUES (?, ?)
         ON CONFLICT (channel) DO UPDATE SET window_until = excluded.window_until`,
      ),
      failing: db.prepare(
        'SELECT failing_since, failing_error, failing_notice FROM channel_state WHERE channel = ?',
      ),
      setFailing: db.prepare(
        `INSERT INTO channel_state (channel, failing_since, failing_error, failing_notice)
         VALUES (@channel, @since, @error, @notice)
         ON CONFLICT (channel) DO UPDATE SET failing_since = excluded.failing_since,
           failing_error = excluded.failing_error, failing_notice = excluded.failing_notice`,
      ),
      failingChannels: db.prepare(FAILING_CHANNELS),
    };
  }

  /** Drops what was looked up: other code may have changed rows since. */
  forget(): void {
    this.windows.clear();
  }

  windowUntil(channel: string): number | null {
    let until = this.windows.get(channel);
    if (until === undefined) {
      until = (this.sql.windowUntil.get(channel) as number | null | undefined) ?? null;
      this.windows.set(channel, until);
    }
    return until;
  }

  setWindow(channel: string, until: number | null): void {
    this.sql.setWindow.run(channel, until);
    this.windows.set(channel, until);
  }

  failing(channel: string): { since: number | null; error: string | null; notice: boolean } {
    const row = this.sql.failing.get(channel) as
      | { failing_since: number | null; failing_error: string | null; failing_notice: number }
      | undefined;
    return {
      since: row?.failing_since ?? null,
      error: row?.failing_error ?? null,
      notice: row?.failing_notice === 1,
    };
  }

  setFailing(channel: string, since: number | null, error: string | null, notice: boolean): void {
    this.sql.setFailing.run({ channel, since, error, notice: notice ? 1 : 0 });
  }

  /** Channels whose "delivery failing" notice is raised. */
  failingChannels(): { channel: string; since: number; error: string }[] {
    return this.sql.failingChannels.all() as { channel: string; since: number; error: string }[];
  }
}
