import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { WalChanges } from '../../electron/core/source/wal-changes.ts';
import { tempDir } from '../support/orchestration-db.ts';

const open: Database.Database[] = [];

afterEach(() => {
  for (const db of open.splice(0)) db.close();
});

/** A table of `rows` rows over many pages, written by a connection of its own in WAL mode. */
function writer(rows = 5_000, journal = 'wal'): { file: string; db: Database.Database } {
  const file = path.join(tempDir(), 'store.db');
  const db = new Database(file);
  open.push(db);
  db.pragma(`journal_mode = ${journal}`);
  // Checkpoints only where a test asks for one.
  db.pragma('wal_autocheckpoint = 0');
  db.exec('CREATE TABLE items (name TEXT, state TEXT, note TEXT)');
  const insert = db.prepare('INSERT INTO items (name, state, note) VALUES (?, ?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= rows; i++) insert.run(`item-${i}`, 'queued', 'x'.repeat(60));
  })();
  if (journal === 'wal') {
    // Written back, then one small commit: the log holds what the tests write next.
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.prepare(`UPDATE items SET state = 'warm' WHERE rowid = 1`).run();
  }
  return { file, db };
}

function setState(db: Database.Database, rowids: number[], state: string): void {
  const update = db.prepare('UPDATE items SET state = ? WHERE rowid = ?');
  db.transaction(() => {
    for (const rowid of rowids) update.run(state, rowid);
  })();
}

describe("the rows written, read from SQLite's write-ahead log", () => {
  it('are the rows on the pages the commits since the last look wrote', () => {
    const { file, db } = writer();
    const wal = new WalChanges(file);
    wal.mark();
    setState(db, [10, 4_000], 'running');
    const written = wal.read();
    expect(written).toContain(10);
    expect(written).toContain(4_000);
    // Two pages' rows, not the table's.
    expect(written?.length).toBeLessThan(200);
    // The last commit is read again until a newer one: readers may not see it yet.
    expect(wal.read()).toContain(4_000);
    setState(db, [2_500], 'failed');
    const next = wal.read();
    expect(next).toContain(2_500);
    expect(next).toContain(4_000);
    expect(wal.read()).not.toContain(4_000);
  });

  it('leave out what a transaction wrote before it commits', () => {
    const { file, db } = writer(20_000);
    const wal = new WalChanges(file);
    wal.mark();
    // A small cache makes the open transaction spill its pages into the log.
    db.pragma('cache_size = 8');
    db.exec('BEGIN');
    db.prepare(`UPDATE items SET state = 'running' WHERE rowid > 15000`).run();
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(100_000);
    expect(wal.read()).not.toContain(15_001);
    db.exec('COMMIT');
    const written = wal.read();
    expect(written).toContain(15_001);
    expect(written).toContain(20_000);
    expect(written).not.toContain(100);
  });

  it('are not known after a checkpoint restarted the log, and are again from then on', () => {
    const { file, db } = writer();
    const wal = new WalChanges(file);
    wal.mark();
    setState(db, [42], 'failed');
    // The log is written back into the database and emptied before the row was looked for.
    db.pragma('wal_checkpoint(TRUNCATE)');
    expect(fs.statSync(`${file}-wal`).size).toBe(0);
    expect(wal.read()).toBeNull();
    setState(db, [43], 'failed');
    expect(wal.read()).toBeNull();
    setState(db, [44], 'failed');
    expect(wal.read()).toContain(44);
    setState(db, [45], 'failed');
    db.pragma('wal_checkpoint(RESTART)');
    setState(db, [46], 'failed');
    expect(wal.read()).toBeNull();
    setState(db, [47], 'failed');
    expect(wal.read()).toContain(47);
  });

  it('are not known for a database without a log, or with a log that is not one', () => {
    const { file, db } = writer(100, 'delete');
    const wal = new WalChanges(file);
    wal.mark();
    setState(db, [5], 'failed');
    expect(wal.read()).toBeNull();
    fs.writeFileSync(`${file}-wal`, Buffer.alloc(4_096, 0x5a));
    expect(wal.read()).toBeNull();
    expect(wal.read()).toBeNull();
  });

  it('are not known when more was written than reading it row by row would repay', () => {
    const { file, db } = writer(50_000);
    const wal = new WalChanges(file);
    wal.mark();
    db.prepare(`UPDATE items SET state = 'done'`).run();
    expect(wal.read(1_000)).toBeNull();
    setState(db, [7], 'failed');
    // Once the large commit is no longer the last one, rows are known again.
    expect(wal.read(1_000)).toBeNull();
    setState(db, [8], 'failed');
    expect(wal.read(1_000)).toContain(8);
  });

  it('are not known when a commit changed only bytes a row keeps on an overflow page', () => {
    const { file, db } = writer(10);
    db.prepare('UPDATE items SET note = ? WHERE rowid = 5').run('y'.repeat(20_000));
    setState(db, [2], 'running');
    const wal = new WalChanges(file);
    wal.mark();
    setState(db, [6], 'running');
    expect(wal.read()).toContain(6);
    // Same size, different bytes, all of them past the leaf page: only overflow pages change.
    db.prepare('UPDATE items SET note = ? WHERE rowid = 5').run(`${'y'.repeat(19_999)}z`);
    expect(wal.read()).toBeNull();
  });
});
