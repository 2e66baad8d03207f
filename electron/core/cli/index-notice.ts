/**
 * What a table without an index on its change column costs, for another tool's database that
 * Runwatch never changes: in WAL mode its changes are read among the rows the log says were
 * written (a scan only after a checkpoint empties the log first); otherwise every check scans.
 * On a server, each check that follows a commit scans the table: a DBA may add the index.
 */
export function unindexedNotice(names: string, journalMode: string): string {
  if (journalMode.startsWith('postgresql')) {
    return `no index on ${names}: after each commit on the server, the change check scans ${names.includes(',') ? 'those tables' : 'that table'}. Runwatch never changes the database; its owner may add the index (CREATE INDEX CONCURRENTLY, README: PostgreSQL)`;
  }
  return journalMode.toLowerCase() === 'wal'
    ? `no index on ${names}: changes there are read from the write-ahead log, and scanned for in windows of rowids after a checkpoint empties it`
    : `no index on ${names}: changes there are found by reading rowids in windows (in WAL mode they would be read from the write-ahead log)`;
}
