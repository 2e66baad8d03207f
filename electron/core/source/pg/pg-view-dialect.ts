import type { ColumnKind, ViewDialect } from '../profile/profile-views.ts';
import type { TimestampEncoding } from '../profile/source-profile.ts';
import { quoteName } from '../sql-name.ts';

/** Text a number can be read from (the rest reads as no number, never 0). */
const NUMBER = String.raw`^\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*$`;
/** ISO 8601 date and time as writers store it as text; PostgreSQL's own cast reads it. */
const ISO = String.raw`^\s*[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([ T]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?)?\s*(Z|z|[+-][0-9]{2}(:?[0-9]{2})?)?\s*$`;

function text(value: string): string {
  return `(${value})::text`;
}

function number(value: string, kind: ColumnKind | null): string {
  if (kind === 'integer' || kind === 'number') return `(${value})::double precision`;
  if (kind === 'time' || kind === 'naive-time') return 'NULL';
  return `CASE WHEN ${text(value)} ~ '${NUMBER}' THEN trim(${text(value)})::double precision END`;
}

/**
 * SQL for the views on PostgreSQL: a column's own type decides how a timestamp is read (a
 * `timestamp` or `timestamptz` as itself, a naive one as UTC; a number by the profile's epoch
 * encoding; text by the profile's encoding, NULL where it does not read), since the same tool
 * stores as text in SQLite what it stores as a timestamp here. The session's time zone is UTC.
 */
export function pgViewDialect(schemaOf: (table: string) => string, localZone: string): ViewDialect {
  return {
    table: (name) => `${quoteName(schemaOf(name))}.${quoteName(name)}`,
    json: (value, path) =>
      `jsonb_path_query_first(CASE WHEN ${text(value)} ~ '^\\s*[\\[{]' THEN ${text(value)}::jsonb END, '${path.replaceAll("'", "''")}') #>> '{}'`,
    text,
    quote: (value) => `quote_literal(${text(value)})`,
    integer: (value) => `(${value})::bigint`,
    greatest: (values) =>
      values.length === 1 ? (values[0] as string) : `greatest(${values.join(', ')})`,
    empty: 'false',
    time(value: string, encoding: TimestampEncoding, kind: ColumnKind | null): string {
      if (kind === 'time' || kind === 'naive-time') {
        // Naive timestamps are UTC here, as the tools that write them mean them.
        return `(extract(epoch from (${value})) * 1000)::double precision`;
      }
      switch (encoding) {
        case 'epoch-s':
          return `(${number(value, kind)} * 1000.0)`;
        case 'epoch-ms':
          return `(${number(value, kind)} * 1.0)`;
        case 'epoch-us':
          return `(${number(value, kind)} / 1000.0)`;
        default: {
          if (kind === 'integer' || kind === 'number') return 'NULL';
          const t = `trim(${text(value)})`;
          const cast =
            encoding === 'naive-local'
              ? `(${t})::timestamp AT TIME ZONE '${localZone.replaceAll("'", "''")}'`
              : `(${t})::timestamptz`;
          return `CASE WHEN ${text(value)} ~ '${ISO}' THEN (extract(epoch from ${cast}) * 1000)::double precision END`;
        }
      }
    },
  };
}
