import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { safeId } from '../../electron/core/archive/safe-id.ts';
import { verifyZip } from '../../electron/core/archive/zip-verify.ts';
import { isoNow, OrchestrationDb, tempDir } from '../support/orchestration-db.ts';
import { killedAfterEach, runwatch } from '../support/processes.ts';
import { sleep, waitFor } from '../support/wait.ts';
import { readZip } from '../support/zip-contents.ts';

const track = killedAfterEach();

/** A finished run whose artifacts take a noticeable moment to zip. */
function finishedRun(orch: OrchestrationDb, root: string, runId: string): void {
  const dir = path.join(root, runId);
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'weights.bin'), randomBytes(6_000_000));
  fs.writeFileSync(path.join(dir, 'metrics.csv'), `${runId},0.1\n`.repeat(200_000));
  for (let i = 0; i < 20; i++)
    fs.writeFileSync(path.join(dir, 'logs', `${i}.log`), `${runId} ${i}\n`);
  orch.insertRun({
    runId,
    status: 'succeeded',
    finishedAt: isoNow(),
    artifactsDir: dir,
    steps: [{ stepId: 's', status: 'succeeded' }],
  });
}

describe('archiving across crashes', () => {
  it('survives 20 SIGKILLs at random moments: every run archived and reported once, no temp file, no corrupt zip', async () => {
    const dir = tempDir();
    const orch = new OrchestrationDb(path.join(dir, 'orchestration.db'));
    const artifacts = path.join(dir, 'artifacts');
    const dataDir = path.join(dir, 'data');
    const runs: string[] = [];
    const add = () => {
      const runId = `run-${String(runs.length).padStart(3, '0')}`;
      finishedRun(orch, artifacts, runId);
      runs.push(runId);
    };
    for (let i = 0; i < 4; i++) add();
    const args = ['watch', '--json', '--db', orch.file, '--data-dir', dataDir];

    let killedWhileArchiving = 0;
    for (let kill = 0; kill < 20; kill++) {
      const child = track(runwatch(kill === 0 ? [...args, '--backfill'] : args));
      await waitFor(
        () => child.stderr.some((line) => line.includes('data dir')),
        'the watch to start',
      );
      const archiveDir = path.join(dataDir, 'archive');
      const zipping = () =>
        fs.existsSync(archiveDir) && fs.readdirSync(archiveDir).some((n) => n.startsWith('.tmp-'));
      if (kill % 4 === 1) {
        // Every fourth kill waits for a zip in progress, so a crash mid-archive is tried however
        // slowly a loaded machine starts the watch; the others fall at random moments. The first
        // falls the moment the zip is seen, so at least one crash is mid-archive however fast
        // the machine zips.
        await waitFor(zipping, 'a zip in progress', 30_000);
        if (kill > 1) await sleep(Math.floor(Math.random() * 200));
      } else {
        await sleep(100 + Math.floor(Math.random() * 900));
      }
      if (zipping()) killedWhileArchiving++;
      child.kill('SIGKILL');
      await child.exited;
      // The pipeline goes on while Runwatch is down.
      if (kill % 2 === 0) add();
    }
    expect(killedWhileArchiving).toBeGreaterThan(0);

    const clean = runwatch([...args, '--once']);
    expect((await clean.exited).code).toBe(0);

    expect(fs.readdirSync(path.join(dataDir, 'archive')).sort()).toEqual(
      runs.map((id) => `${safeId(id)}.zip`).sort(),
    );
    expect(fs.readdirSync(path.join(dataDir, 'reports')).sort()).toEqual(
      runs.map((id) => `${safeId(id)}_summary.json`).sort(),
    );
    for (const runId of runs) {
      const zip = path.join(dataDir, 'archive', `${safeId(runId)}.zip`);
      expect((await verifyZip(zip)).ok).toBe(true);
      const entries = await readZip(zip);
      expect(entries.size).toBe(22);
      expect(
        entries
          .get('weights.bin')
          ?.equals(fs.readFileSync(path.join(artifacts, runId, 'weights.bin'))),
      ).toBe(true);
      const report = JSON.parse(
        fs.readFileSync(path.join(dataDir, 'reports', `${safeId(runId)}_summary.json`), 'utf8'),
      ) as { archive: { sha256: string; verified: boolean } };
      expect(report.archive.verified).toBe(true);
    }

    const state = new Database(path.join(dataDir, 'state.db'), { readonly: true });
    const count = (type: string) =>
      Object.fromEntries(
        (
          state
            .prepare('SELECT run_id, count(*) AS n FROM events WHERE type = ? GROUP BY run_id')
            .all(type) as { run_id: string; n: number }[]
        ).map((row) => [row.run_id, row.n]),
      );
    const once = Object.fromEntries(runs.map((id) => [id, 1]));
    expect(count('run_completed')).toEqual(once);
    expect(count('run_archived')).toEqual(once);
    expect(count('report_written')).toEqual(once);
    expect(state.prepare(`SELECT count(*) FROM jobs WHERE state != 'done'`).pluck().get()).toBe(0);
    state.close();
  }, 300_000);
});
