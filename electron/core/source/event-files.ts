import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { formatProblem, locateProblems } from '../config/yaml-validate.ts';
import { checkEventFile } from './profile/profile-check.ts';
import { stepEventsSql, type TableFacts } from './profile/profile-views.ts';
import type { SourceProfile } from './profile/source-profile.ts';
import { columnsOf, hasRowid } from './schema-check.ts';

/** A connection to a file of events, with the statements that read them. */
export interface EventFile {
  db: Database.Database;
  ofRun: Database.Statement;
  after: Database.Statement;
  last: Database.Statement;
}

/** At most this many files of events are open at once (Dagster keeps one per run). */
export const OPEN_EVENT_FILES = 8;

/** A run id that is a plain file name: nothing else names a file of events. */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$/;

function tableCount(db: Database.Database): number {
  return db
    .prepare(`SELECT count(*) FROM main.sqlite_master WHERE type = 'table'`)
    .pluck()
    .get() as number;
}

/** Prepares the statements on a connection whose `main` has the events table. */
export function eventFile(db: Database.Database, profile: SourceProfile): EventFile {
  const table = profile.steps?.table ?? '';
  const facts: TableFacts = {
    columns: new Set(columnsOf(db, table, 'main')),
    rowid: hasRowid(db, table, 'main'),
  };
  const sql = stepEventsSql(profile, facts);
  if (sql === null) throw new Error(`${profile.name} has no steps as events`);
  return {
    db,
    ofRun: db.prepare(sql.ofRun),
    after: db.prepare(sql.after),
    last: db.prepare(sql.last).pluck(),
  };
}

/**
 * The files of events a profile names beside the database (`events.file`): one file, or one per
 * run (`{run_id}`), opened read-only as they are needed and never more than `OPEN_EVENT_FILES`
 * at once, the least recently used closed first. A file is checked against the mapping when it
 * is opened; one that does not fit is named once (`warn`) and read as holding no events.
 */
export class EventFiles {
  private readonly profile: SourceProfile;
  private readonly folder: string;
  private readonly template: string;
  private readonly text: string | null;
  private readonly warn: (message: string) => void;
  private readonly open = new Map<string, EventFile>();
  private readonly refused = new Set<string>();
  /** Files found to fit the mapping: not checked again when opened again. */
  private readonly fitting = new Set<string>();
  /** Files that were locked or busy at the last try: tried again. */
  private readonly busyFiles = new Set<string>();

  constructor(options: {
    dbPath: string;
    profile: SourceProfile;
    /** The mapping file's text, to place a problem in it; null for a built-in profile. */
    text: string | null;
    warn: (message: string) => void;
  }) {
    this.profile = options.profile;
    this.folder = path.dirname(options.dbPath);
    this.template = options.profile.steps?.events?.file ?? '';
    this.text = options.text;
    this.warn = options.warn;
  }

  /** Whether each run has a file of its own. */
  get perRun(): boolean {
    return this.template.includes('{run_id}');
  }

  /** The folder the files are in, for a watch on it. */
  get directory(): string {
    return path.dirname(path.resolve(this.folder, this.template.replaceAll('{run_id}', 'x')));
  }

  /** The file holding a run's events (the one file, without `{run_id}`); null for an unsafe id. */
  pathOf(runId: string): string | null {
    if (!this.perRun) return path.resolve(this.folder, this.template);
    if (!SAFE_NAME.test(runId) || runId.includes('..')) return null;
    return path.resolve(this.folder, this.template.replaceAll('{run_id}', runId));
  }

  /** The open connection to a run's file of events, opening it; null while there is none. */
  get(runId: string): EventFile | null {
    const file = this.pathOf(runId);
    if (file === null) return null;
    const known = this.open.get(file);
    if (known) {
      // Most recently used last: the first entry is the one to close.
      this.open.delete(file);
      this.open.set(file, known);
      return known;
    }
    this.busyFiles.delete(file);
    if (this.refused.has(file) || !fs.existsSync(file)) return null;
    let db: Database.Database | null = null;
    try {
      // Room first: never more than OPEN_EVENT_FILES open, even for a moment.
      while (this.open.size >= OPEN_EVENT_FILES) this.closeOldest();
      db = new Database(file, { readonly: true, fileMustExist: true, timeout: 20 });
      db.pragma('cache_size = -512');
      if (tableCount(db) === 0) {
        // Created a moment ago, its tables not yet committed: looked at again at the next read.
        db.close();
        return null;
      }
      const steps = this.profile.steps;
      const problems = steps && !this.fitting.has(file) ? checkEventFile(db, steps) : [];
      if (problems.length > 0) {
        const said =
          this.text === null
            ? problems.map((problem) => problem.message).join('; ')
            : locateProblems(this.text, this.profile.file, problems).map(formatProblem).join('\n');
        this.refuse(file, `${file} does not hold ${this.profile.name} events: ${said}`);
        db.close();
        return null;
      }
      const opened = eventFile(db, this.profile);
      this.fitting.add(file);
      this.open.set(file, opened);
      return opened;
    } catch (error) {
      db?.close();
      // Locked or mid-write: tried again at the next read; a file that is not a database is not.
      const message = error instanceof Error ? error.message : String(error);
      if (/locked|busy/i.test(message)) this.busyFiles.add(file);
      else this.refuse(file, `${file} cannot be read: ${message}`);
      return null;
    }
  }

  /** Whether a run's file was locked or busy at the last try to open it. */
  busy(runId: string): boolean {
    const file = this.pathOf(runId);
    return file !== null && this.busyFiles.has(file);
  }

  /** Closes a run's file (its run finished): its events will not change. */
  release(runId: string): void {
    const file = this.pathOf(runId);
    const known = file === null ? undefined : this.open.get(file);
    if (file === null || !known || !this.perRun) return;
    known.db.close();
    this.open.delete(file);
  }

  /** How many files are open, for tests and measures. */
  get openCount(): number {
    return this.open.size;
  }

  close(): void {
    for (const file of this.open.values()) file.db.close();
    this.open.clear();
  }

  private closeOldest(): void {
    const [file, oldest] = this.open.entries().next().value as [string, EventFile];
    oldest.db.close();
    this.open.delete(file);
  }

  private refuse(file: string, message: string): void {
    this.refused.add(file);
    this.warn(message);
  }
}
