import type Database from 'better-sqlite3';

/** Silences added through the API, in state.db, beside those alerts.yaml sets. */
export class SilenceTable {
  private readonly sql;

  constructor(db: Database.Database) {
    this.sql = {
      storedSilences: db.prepare('SELECT id, match, until, comment FROM silences WHERE until > ?'),
      addSilence: db.prepare(
        'INSERT INTO silences (match, until, comment, created_at) VALUES (?, ?, ?, ?)',
      ),
      removeSilence: db.prepare('DELETE FROM silences WHERE id = ?'),
    };
  }

  storedSilences(
    now: number,
  ): { id: number; match: string; until: number; comment: string | null }[] {
    return this.sql.storedSilences.all(now) as {
      id: number;
      match: string;
      until: number;
      comment: string | null;
    }[];
  }

  addSilence(match: string, until: number, comment: string | null, now: number): number {
    return Number(this.sql.addSilence.run(match, until, comment, now).lastInsertRowid);
  }

  /** Whether there was such a silence. */
  removeSilence(id: number): boolean {
    return this.sql.removeSilence.run(id).changes > 0;
  }
}
