/** `2026-12-06 16:22:28.105000`: SQLAlchemy's DateTime on SQLite, UTC without an offset. */
export function naiveUtc(ms = Date.now()): string {
  return `${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}000`;
}
