import type pg from 'pg';
import type { ColumnKind } from '../profile/profile-views.ts';

export interface PgColumn {
  name: string;
  /** The type as PostgreSQL writes it (`timestamp with time zone`), for casts of parameters. */
  type: string;
  kind: ColumnKind;
}

/** The tables on the connection's search path, with their columns and indexed leading columns. */
export interface PgCatalog {
  /** By lower-case name. */
  tables: Map<string, { name: string; schema: string; columns: PgColumn[]; leading: Set<string> }>;
  /** `server_version_num`, 150004 for 15.4. */
  version: number;
}

function kindOf(typname: string, category: string): ColumnKind {
  if (typname === 'timestamp') return 'naive-time';
  if (typname === 'timestamptz' || typname === 'date') return 'time';
  if (typname === 'json' || typname === 'jsonb') return 'json';
  if (['int2', 'int4', 'int8'].includes(typname)) return 'integer';
  if (category === 'N') return 'number';
  if (category === 'S' || category === 'E' || typname === 'uuid') return 'text';
  return 'other';
}

/**
 * Reads the catalog once, at open: tables and views visible on the search path (the public
 * schema unless the URL's `options` set another), their columns, and the leading column of each
 * full (not partial) index, which a change query or lookup by that column can use.
 */
export async function readCatalog(client: pg.ClientBase): Promise<PgCatalog> {
  const columns = await client.query<{
    schema: string;
    table: string;
    column: string;
    type: string;
    typname: string;
    category: string;
  }>(
    `SELECT n.nspname AS schema, c.relname AS "table", a.attname AS "column",
            format_type(a.atttypid, a.atttypmod) AS type,
            coalesce(b.typname, t.typname) AS typname,
            coalesce(b.typcategory, t.typcategory)::text AS category
       FROM pg_catalog.pg_class c
       JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
       JOIN pg_catalog.pg_type t ON t.oid = a.atttypid
       LEFT JOIN pg_catalog.pg_type b ON t.typtype = 'd' AND b.oid = t.typbasetype
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND pg_catalog.pg_table_is_visible(c.oid)
      ORDER BY c.relname, a.attnum`,
  );
  const indexes = await client.query<{ table: string; column: string }>(
    `SELECT c.relname AS "table", a.attname AS "column"
       FROM pg_catalog.pg_index i
       JOIN pg_catalog.pg_class c ON c.oid = i.indrelid
       JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum = i.indkey[0]
      WHERE i.indpred IS NULL AND pg_catalog.pg_table_is_visible(c.oid)`,
  );
  const version = await client.query<{ v: string }>(
    `SELECT current_setting('server_version_num') AS v`,
  );
  const tables: PgCatalog['tables'] = new Map();
  for (const row of columns.rows) {
    const key = row.table.toLowerCase();
    let table = tables.get(key);
    if (!table) {
      table = { name: row.table, schema: row.schema, columns: [], leading: new Set() };
      tables.set(key, table);
    }
    table.columns.push({
      name: row.column,
      type: row.type,
      kind: kindOf(row.typname, row.category),
    });
  }
  for (const row of indexes.rows)
    tables.get(row.table.toLowerCase())?.leading.add(row.column.toLowerCase());
  return { tables, version: Number(version.rows[0]?.v ?? 0) };
}
