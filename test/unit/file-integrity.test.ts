import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { headerProblem } from '../../electron/core/source/file-integrity.ts';
import { tempDir } from '../support/orchestration-db.ts';

/** The first 100 bytes and the size of a real SQLite file. */
function realHeader(): { header: Buffer; size: number } {
  const file = path.join(tempDir(), 'real.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE runs (run_id TEXT PRIMARY KEY)');
  db.close();
  const bytes = fs.readFileSync(file);
  return { header: bytes.subarray(0, 100), size: bytes.length };
}

describe('the database file header', () => {
  it("accepts SQLite's own", () => {
    const { header, size } = realHeader();
    expect(headerProblem(header, size)).toBeNull();
  });

  it('names what is wrong with one that is not', () => {
    const { header, size } = realHeader();
    const changed = (offset: number, value: number) => {
      const copy = Buffer.from(header);
      copy[offset] = value;
      return copy;
    };
    expect(headerProblem(Buffer.alloc(0), 0)).toBe('it was truncated to 0 bytes');
    expect(headerProblem(changed(0, 0x73), size)).toBe("its first bytes are not SQLite's header");
    expect(headerProblem(header.subarray(0, 40), 40)).toBe(
      "its first bytes are not SQLite's header",
    );
    expect(headerProblem(changed(16, 0x30), size)).toMatch(/impossible page size/);
    expect(headerProblem(changed(18, 7), size)).toBe('its header is damaged');
    expect(headerProblem(header, size + 1000)).toMatch(/not a whole number of 4096-byte pages/);
  });
});
