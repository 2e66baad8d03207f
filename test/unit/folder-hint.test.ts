import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FolderHint } from '../../electron/core/source/folder-hint.ts';
import { tempDir } from '../support/orchestration-db.ts';
import { waitFor } from '../support/wait.ts';

const hints: FolderHint[] = [];
afterEach(() => {
  for (const hint of hints.splice(0)) hint.close();
});

function watch(): { dir: string; hint: FolderHint; calls: () => number } {
  const dir = tempDir();
  let calls = 0;
  const hint = new FolderHint(path.join(dir, 'orch.db'), () => calls++);
  hints.push(hint);
  hint.start();
  return { dir, hint, calls: () => calls };
}

describe('FolderHint', () => {
  it('reports writes to the database and its WAL, not to other files in the folder', async () => {
    const { dir, hint, calls } = watch();
    // A second watch on the folder sees every event: the hint has had each one by then.
    const seen = new Set<string>();
    const all = fs.watch(dir, (_kind, name) => {
      if (name !== null) seen.add(String(name));
    });
    try {
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'x');
      fs.mkdirSync(path.join(dir, 'artifacts'));
      await waitFor(() => seen.has('notes.txt') && seen.has('artifacts'), 'the folder events');
      expect(calls()).toBe(0);
      expect(hint.take()).toBe(false);
      fs.writeFileSync(path.join(dir, 'orch.db-wal'), 'x');
      await waitFor(() => calls() > 0, 'the event for the WAL');
      expect(hint.take()).toBe(true);
      expect(hint.take()).toBe(false);
    } finally {
      all.close();
    }
  });

  it('is trusted on a local folder until a change arrives without it, and again after five hinted ones', () => {
    const { hint } = watch();
    expect(hint.trusted).toBe(true);
    hint.changeSeen(false);
    expect(hint.trusted).toBe(false);
    for (let i = 0; i < 4; i++) hint.changeSeen(true);
    expect(hint.trusted).toBe(false);
    hint.changeSeen(true);
    expect(hint.trusted).toBe(true);
  });

  it('is never trusted without a folder to watch', () => {
    const hint = new FolderHint('/nonexistent/folder/orch.db', () => {});
    hint.start();
    expect(hint.trusted).toBe(false);
  });
});
