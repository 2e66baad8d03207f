/** An SQLite name (table, column) quoted for a statement: any name, quotes and all. */
export function quoteName(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
