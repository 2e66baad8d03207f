import { describe, expect, it } from 'vitest';
import {
  isPostgresUrl,
  maskText,
  pgLocation,
  shownLocation,
} from '../../electron/core/source/pg/pg-location.ts';
import { defaultDataDir, sourceNameOf } from '../../electron/core/store/data-dir.ts';

describe('PostgreSQL locations', () => {
  it('tells a server URL from a file path, in both schemes', () => {
    expect(isPostgresUrl('postgresql://u@h/db')).toBe(true);
    expect(isPostgresUrl(' postgres://h/db')).toBe(true);
    expect(isPostgresUrl('POSTGRESQL:///airflow')).toBe(true);
    expect(isPostgresUrl('/data/postgresql/airflow.db')).toBe(false);
    expect(isPostgresUrl('postgresql.db')).toBe(false);
  });

  it('never shows a password, in the user part or the query', () => {
    const at = pgLocation('postgresql://airflow:s3cr%40t@db.example:5433/airflow?sslmode=require');
    expect(at.display).toBe('postgresql://airflow:••••@db.example:5433/airflow?sslmode=require');
    expect(at.identity).toBe('postgresql://airflow@db.example:5433/airflow?sslmode=require');
    expect(at.database).toBe('airflow');
    const query = pgLocation('postgres://h/db?user=a&password=hunter2');
    expect(query.display).not.toContain('hunter2');
    expect(query.identity).not.toContain('hunter2');
    expect(shownLocation('/data/o.db')).toBe('/data/o.db');
  });

  it('masks a URL quoted in a driver message, and names the database or else the user', () => {
    expect(maskText('cannot reach postgresql://bob:pw@h:5432/db (ECONNREFUSED)')).toBe(
      'cannot reach postgresql://bob:••••@h:5432/db (ECONNREFUSED)',
    );
    expect(pgLocation('postgresql://bob@h').database).toBe('bob');
  });

  it('gives a server its own data dir and name, the same with any password', () => {
    const env = { XDG_CONFIG_HOME: '/cfg' };
    const one = defaultDataDir('postgresql://u:one@h:5432/airflow', env);
    expect(one).toBe(defaultDataDir('postgresql://u:two@h:5432/airflow', env));
    expect(one).toMatch(/^\/cfg\/runwatch\/sources\/airflow-[0-9a-f]{8}$/);
    expect(one).not.toBe(defaultDataDir('postgresql://u@other:5432/airflow', env));
    expect(sourceNameOf('postgresql://u@h/prefect?sslmode=verify-full')).toBe('prefect');
  });
});
