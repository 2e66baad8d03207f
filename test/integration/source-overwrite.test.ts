import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OrchestrationDb, tempDir } from '../support/orchestration-db.ts';
import { killedAfterEach, runwatch, type Child } from '../support/processes.ts';
import { waitFor } from '../support/wait.ts';

const track = killedAfterEach();
const dbs: OrchestrationDb[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});

type Ev = Record<string, unknown>;
const ofType = (child: Child, type: string, runId?: string) =>
  child.events().filter((e: Ev) => e.type === type && (runId === undefined || e.run_id === runId));

/**
 * A WAL database that a pipeline (this test process) keeps open and writes, watched by
 * `runwatch watch` in its own process with a short `source_grace`.
 */
async function watched() {
  const dir = tempDir();
  const file = path.join(dir, 'orchestration.db');
  const orch = new OrchestrationDb(file);
  dbs.push(orch);
  orch.insertRun({ runId: 'r1', steps: [{ stepId: 'a', status: 'running' }, { stepId: 'b' }] });
  const config = path.join(dir, 'runwatch.yaml');
  fs.writeFileSync(config, 'monitor:\n  source_grace: 1s\n');
  const child = track(
    runwatch(['watch', '--json', '--poll', '50ms', '--config', config, '--db', file], {
      XDG_CONFIG_HOME: path.join(dir, 'home'),
    }),
  );
  await waitFor(() => ofType(child, 'run_started', 'r1').length === 1, 'r1 started');
  return { dir, file, orch, child };
}

/**
 * Writes `bytes` over the file in place: the same inode, its WAL and shared memory untouched. It is
 * written from another process, as an operator's copy would be: closing a descriptor of the file
 * here would drop the locks of the pipeline's connection, which this process holds. Content as
 * long as the file is written over it (`dd`), so no check sees it truncated on the way; other
 * content by `cp`, which truncates the file first.
 */
function overwriteInPlace(file: string, bytes: Buffer): void {
  const before = fs.statSync(file).ino;
  const staged = path.join(path.dirname(file), `staged-${crypto.randomUUID()}`);
  fs.writeFileSync(staged, bytes);
  if (bytes.length === fs.statSync(file).size) {
    execFileSync('dd', [`if=${staged}`, `of=${file}`, 'conv=notrunc', 'bs=1M', 'status=none']);
  } else {
    execFileSync('cp', [staged, file]);
  }
  fs.rmSync(staged);
  expect(fs.statSync(file).ino).toBe(before);
  expect(fs.existsSync(`${file}-wal`)).toBe(true);
  expect(fs.existsSync(`${file}-shm`)).toBe(true);
}

describe('a WAL database overwritten in place', () => {
  it.each([
    ['random bytes', (size: number) => crypto.randomBytes(size), /its first bytes are not SQLite/],
    ['truncation to 0 bytes', () => Buffer.alloc(0), /truncated to 0 bytes/],
  ])(
    '%s: warns, goes down after the grace, and catches up once the database is back',
    async (_name, garbage, reason) => {
      const { file, orch, child } = await watched();
      const good = fs.readFileSync(file);
      overwriteInPlace(file, garbage(good.length));

      const warning = await waitFor(
        () => child.stderr.find((line) => line.includes('overwritten in place')),
        'a warning that the database was overwritten',
      );
      expect(warning).toContain(file);
      expect(warning).toMatch(reason);
      const [down] = await waitFor(() => {
        const found = ofType(child, 'source_down');
        return found.length > 0 && found;
      }, 'source_down');
      expect(down?.reason).toMatch(reason);

      // The pipeline goes on writing into its WAL meanwhile; the file itself comes back.
      orch.finishRun('r1', 'failed');
      overwriteInPlace(file, good);
      await waitFor(() => ofType(child, 'source_up').length === 1, 'source_up');
      await waitFor(() => ofType(child, 'run_completed', 'r1').length === 1, 'the catch-up');
      expect(ofType(child, 'run_completed', 'r1')[0]).toMatchObject({ outcome: 'failed' });
      const seen = child.events().map((e) => e.type);
      expect(seen.filter((type) => type !== 'report_written')).toEqual([
        'run_started',
        'source_down',
        'source_up',
        'run_completed',
      ]);
      expect(child.stderr.filter((line) => line.includes('overwritten in place'))).toHaveLength(1);
    },
  );

  it('by a copy of another database: reopens it and reads what it now holds', async () => {
    const { dir, file, orch, child } = await watched();
    const other = new OrchestrationDb(path.join(dir, 'other.db'));
    other.insertRun({ runId: 'elsewhere', steps: [{ stepId: 'x', status: 'running' }] });
    other.db.pragma('wal_checkpoint(TRUNCATE)');
    const copy = fs.readFileSync(other.file);
    other.close();
    // Every page of the WAL is copied into the file, so readers read the file alone: none of the
    // pipeline's WAL is read over the copy. (A TRUNCATE checkpoint would also reset the readers'
    // caches: SQLite would then read the copy as the database's next state.)
    orch.db.pragma('wal_checkpoint(FULL)');
    overwriteInPlace(file, copy);

    // `cp` truncates the file before it writes the copy: a check in that moment warns of the
    // truncation (and the next says it is readable again), one after it of another database.
    await waitFor(
      () => child.stderr.find((line) => line.includes('overwritten in place')),
      'a warning that the database was overwritten',
    );
    await waitFor(() => ofType(child, 'run_removed', 'r1').length === 1, 'r1 gone');
    await waitFor(() => ofType(child, 'run_started', 'elsewhere').length === 1, 'its run');
    expect(ofType(child, 'source_down')).toEqual([]);
  });
});
