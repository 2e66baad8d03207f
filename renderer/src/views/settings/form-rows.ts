/** Editing the form's lists of rows (sources, overrides, headers…), each row keyed by an id. */

let nextId = 0;

/** An id for a new row, unique on the page. */
export function rowId(prefix: string): string {
  nextId += 1;
  return `${prefix}${nextId}`;
}

/** The form with a row of `list` changed. */
export function patchRow<T extends { id: string }>(list: T[], id: string, patch: Partial<T>): T[] {
  return list.map((row) => (row.id === id ? { ...row, ...patch } : row));
}

/** The list with row `id` moved by `by` places. */
export function moveRow<T extends { id: string }>(list: T[], id: string, by: number): T[] {
  const from = list.findIndex((row) => row.id === id);
  const to = from + by;
  if (from < 0 || to < 0 || to >= list.length) return list;
  const copy = [...list];
  const [row] = copy.splice(from, 1);
  copy.splice(to, 0, row as T);
  return copy;
}
