import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { EventDraft } from '../../shared/events.ts';
import { STATE_DB } from '../../electron/core/store/state-schema.ts';
import { StateStore } from '../../electron/core/store/state-store.ts';
import { WalCheckpointer } from '../../electron/core/store/wal-checkpointer.ts';
import { cleanupAfterEach } from '../support/cleanup.ts';
import { tempDir } from '../support/orchestration-db.ts';

const cleanup = cleanupAfterEach();

/** Run events with a sizeable body, so a few hundred fill many pages. */
function drafts(count: number, from: number): EventDraft[] {
  return Array.from({ length: count }, (_, i) => ({
    type: 'run_started',
    source: 'orch',
    at: new Date(Date.UTC(2026, 0, 1) + from + i).toISOString(),
    run_id: `run-${from + i}`,
    pipeline: `pipeline-${'x'.repeat(400)}`,
    attempt: 1,
    occurred_at: new Date(Date.UTC(2026, 0, 1) + from + i).toISOString(),
    status: 'running',
  }));
}

describe('state.db checkpoints', () => {
  it('copies committed pages into state.db from a worker, not on the committing thread, then empties the WAL', async () => {
    const dataDir = tempDir();
    const store = StateStore.open(dataDir);
    cleanup.push(() => store.close());
    const file = path.join(dataDir, STATE_DB);
    const before = fs.statSync(file).size;

    // About 6 MB of events in 60 commits: enough to start the worker, far below the main
    // connection's own threshold, so only the worker can move them out of the WAL.
    for (let batch = 0; batch < 60; batch++) {
      store.record((insert) => insert(drafts(200, batch * 200)));
    }
    // The worker runs beside these commits and may already have copied some pages: how much
    // state.db holds now depends on the machine's load, so only the WAL's growth is certain.
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(5_000_000);

    await store.checkpointed();
    expect(store.workerCheckpoints).toBeGreaterThan(0);
    expect(fs.statSync(file).size).toBeGreaterThan(before + 5_000_000);
    // Once the writes stop, the WAL file is emptied rather than left at its peak size.
    expect(fs.statSync(`${file}-wal`).size).toBe(0);
    // Nothing was lost on the way: a second connection reads every event.
    const reader = new Database(file, { readonly: true });
    cleanup.push(() => reader.close());
    expect(reader.prepare('SELECT count(*) FROM events').pluck().get()).toBe(12_000);
  });

  it('after a burst, leaves a small WAL for reuse rather than take the writer’s lock to empty it', async () => {
    const dataDir = tempDir();
    const store = StateStore.open(dataDir);
    cleanup.push(() => store.close());
    const file = path.join(dataDir, STATE_DB);
    for (let batch = 0; batch < 60; batch++) {
      store.record((insert) => insert(drafts(200, batch * 200)));
    }
    await store.checkpointed();
    const afterBurst = store.workerCheckpoints;

    // The worker still runs; emptying the WAL now would hold up the watcher's next commit.
    store.record((insert) => insert(drafts(10, 20_000)));
    await store.checkpointed();
    expect(store.workerCheckpoints).toBeGreaterThan(afterBurst);
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(0);
    const reader = new Database(file, { readonly: true });
    cleanup.push(() => reader.close());
    expect(reader.prepare('SELECT count(*) FROM events').pluck().get()).toBe(12_010);
  });

  it('checkpoints a first read on its own connection, starting no worker, and then empties the WAL', async () => {
    const dataDir = tempDir();
    const store = StateStore.open(dataDir);
    cleanup.push(() => store.close());
    const file = path.join(dataDir, STATE_DB);

    store.checkpointInline(true);
    for (let batch = 0; batch < 60; batch++) {
      store.record((insert) => insert(drafts(200, batch * 200)));
    }
    store.checkpointInline(false);
    await store.checkpointed();

    expect(store.workerCheckpoints).toBe(0);
    expect(fs.statSync(`${file}-wal`).size).toBe(0);
    const reader = new Database(file, { readonly: true });
    cleanup.push(() => reader.close());
    expect(reader.prepare('SELECT count(*) FROM events').pluck().get()).toBe(12_000);

    // Afterwards a burst goes to the worker again.
    for (let batch = 60; batch < 120; batch++) {
      store.record((insert) => insert(drafts(200, batch * 200)));
    }
    await store.checkpointed();
    expect(store.workerCheckpoints).toBeGreaterThan(0);
  });

  it('starts no worker for a quiet source whose WAL stays small', async () => {
    const dataDir = tempDir();
    const store = StateStore.open(dataDir);
    cleanup.push(() => store.close());
    for (let batch = 0; batch < 3; batch++) {
      store.record((insert) => insert(drafts(10, batch * 10)));
    }
    await store.checkpointed();
    const file = path.join(dataDir, STATE_DB);
    // Nothing copied, nothing emptied: the few pages wait in the WAL for a burst or the close.
    expect(fs.statSync(`${file}-wal`).size).toBeGreaterThan(0);
    expect(fs.statSync(file).size).toBe(4_096);
  });

  it('leaves no WAL behind when closed, though its worker may still be running', () => {
    const dataDir = tempDir();
    const store = StateStore.open(dataDir);
    for (let batch = 0; batch < 5; batch++) {
      store.record((insert) => insert(drafts(200, batch * 200)));
    }
    store.close();

    const file = path.join(dataDir, STATE_DB);
    expect(fs.existsSync(`${file}-wal`) ? fs.statSync(`${file}-wal`).size : 0).toBe(0);
    const reader = new Database(file, { readonly: true });
    cleanup.push(() => reader.close());
    expect(reader.prepare('SELECT count(*) FROM events').pluck().get()).toBe(1_000);
  });

  it('hands checkpoints back to the caller when its worker cannot run', async () => {
    const dataDir = tempDir();
    const failures: string[] = [];
    const checkpointer = new WalCheckpointer(path.join(dataDir, 'missing.db'), {
      onFailure: (reason) => failures.push(reason),
      startAtBytes: 0,
    });
    cleanup.push(() => checkpointer.close());

    checkpointer.requested();
    await checkpointer.idle();
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatch(/missing\.db|unable to open|does not exist/i);

    checkpointer.requested();
    await checkpointer.idle();
    expect(failures).toHaveLength(1);
    expect(checkpointer.completed).toBe(0);
  });
});
