import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/orchestration-db.ts';
import { killedAfterEach, runwatch, type Child } from '../support/processes.ts';
import { waitFor } from '../support/wait.ts';

const track = killedAfterEach();

function start(args: string[], env: NodeJS.ProcessEnv): Child {
  return track(runwatch(args, env));
}

describe('runwatch demo with runwatch watch', () => {
  it('shows runs started, failing, stalling, recovering, retried and finished', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'o.db');
    const env = { XDG_CONFIG_HOME: path.join(dir, 'home') };
    const demo = start(['demo', '--db', file, '--runs', '5', '--speed', '10'], env);
    const watch = start(['watch', '--db', file, '--json', '--stall-after', '1500ms'], env);
    expect((await demo.exited).code).toBe(0);
    const events = () => watch.events();
    await waitFor(
      () => events().filter((e) => e.type === 'run_completed').length === 6,
      'six completions',
    );
    const seen = new Set(events().map((e) => e.type));
    for (const type of [
      'run_started',
      'step_failed',
      'run_completed',
      'run_stalled',
      'run_recovered',
    ]) {
      expect(seen, type).toContain(type);
    }
    const outcomes = events()
      .filter((e) => e.type === 'run_completed')
      .map((e) => `${String(e.run_id)}#${String(e.attempt)}:${String(e.outcome)}`)
      .sort();
    expect(outcomes).toEqual([
      'etl-daily-0001#1:succeeded',
      'etl-daily-0002#1:succeeded',
      'etl-daily-0005#1:failed',
      'etl-daily-0005#2:succeeded',
      'report-weekly-0003#1:failed',
      'train-model-0004#1:succeeded',
    ]);
    expect(events().find((e) => e.type === 'run_stalled')).toMatchObject({
      run_id: 'etl-daily-0002',
    });

    const db = new Database(file, { readonly: true });
    try {
      const indexes = db
        .prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%'`)
        .pluck()
        .all();
      expect(indexes.sort()).toEqual(['runs_status', 'runs_updated', 'steps_updated']);
      // Each failed step says why, as an orchestrator that records it would.
      const failed = db
        .prepare(`SELECT name, message FROM steps WHERE status = 'failed' ORDER BY name`)
        .all() as { name: string; message: string | null }[];
      expect(failed.length).toBeGreaterThan(0);
      for (const step of failed) expect(step.message, step.name).toMatch(/\w{4,}/);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const run = db.prepare(`SELECT * FROM runs WHERE run_id = 'train-model-0004'`).get() as {
        artifacts_dir: string;
      };
      const artifacts = path.join(dir, run.artifacts_dir);
      expect(fs.readdirSync(artifacts).sort()).toEqual([
        '1-prepare-data.log',
        '2-featurize.log',
        '3-train.log',
        '4-evaluate.log',
        '5-export.log',
        'metrics.json',
        'model.bin',
      ]);
    } finally {
      db.close();
    }
  });

  it('refuses to write into a database with another schema', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'other.db');
    const other = new Database(file);
    other.exec('CREATE TABLE runs (id INTEGER PRIMARY KEY)');
    other.close();
    const demo = start(['demo', '--db', file, '--runs', '1'], {});
    expect((await demo.exited).code).toBe(1);
    expect(demo.stderr.join('\n')).toContain(
      'is not a database the demo can write (table runs has no columns',
    );
  });
});
