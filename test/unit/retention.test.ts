import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyRetention, type RetentionPolicy } from '../../electron/core/archive/retention.ts';
import type { Logger } from '../../electron/core/log.ts';
import { tempDir } from '../support/orchestration-db.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.parse('2026-03-10T12:00:00Z');

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

/** An archive folder holding `files`: name → [age in ms before NOW, size in bytes]. */
function archiveDir(files: Record<string, [number, number]>): string {
  const dir = tempDir('runwatch-retention-');
  dirs.push(dir);
  for (const [name, [age, size]] of Object.entries(files)) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, Buffer.alloc(size, 1));
    const when = new Date(NOW - age);
    fs.utimesSync(file, when, when);
  }
  return dir;
}

function collectingLogger() {
  const lines: { level: keyof Logger; message: string }[] = [];
  const log: Logger = {
    debug: (message) => lines.push({ level: 'debug', message }),
    info: (message) => lines.push({ level: 'info', message }),
    warn: (message) => lines.push({ level: 'warn', message }),
    error: (message) => lines.push({ level: 'error', message }),
  };
  return { log, lines };
}

const left = (dir: string) => fs.readdirSync(dir).sort();

function apply(dir: string, policy: RetentionPolicy) {
  const { log, lines } = collectingLogger();
  const deleted = applyRetention(dir, policy, NOW, log);
  return { deleted, lines };
}

describe('applyRetention', () => {
  it('with keepDays deletes only archives older than that many days', () => {
    const dir = archiveDir({
      'old-10d.zip': [10 * DAY, 100],
      'old-8d.zip': [8 * DAY, 100],
      'kept-6d.zip': [6 * DAY, 100],
      'kept-2h.zip': [2 * HOUR, 100],
    });
    const { deleted } = apply(dir, { keepDays: 7, maxBytes: null });
    expect(deleted.sort()).toEqual(['old-10d.zip', 'old-8d.zip']);
    expect(left(dir)).toEqual(['kept-2h.zip', 'kept-6d.zip']);
  });

  it('with maxBytes deletes the oldest archives first until the folder is under the limit', () => {
    const dir = archiveDir({
      'e.zip': [2 * DAY, 100],
      'a.zip': [6 * DAY, 100],
      'c.zip': [4 * DAY, 100],
      'b.zip': [5 * DAY, 100],
      'd.zip': [3 * DAY, 100],
    });
    const { deleted } = apply(dir, { keepDays: null, maxBytes: 250 });
    expect(deleted).toEqual(['a.zip', 'b.zip', 'c.zip']);
    expect(left(dir)).toEqual(['d.zip', 'e.zip']);
  });

  it('deletes nothing when the folder is already under maxBytes', () => {
    const dir = archiveDir({ 'a.zip': [30 * DAY, 100], 'b.zip': [20 * DAY, 100] });
    const { deleted } = apply(dir, { keepDays: null, maxBytes: 200 });
    expect(deleted).toEqual([]);
    expect(left(dir)).toEqual(['a.zip', 'b.zip']);
  });

  it('never deletes an archive younger than a day, even with a tiny maxBytes', () => {
    const dir = archiveDir({
      'old.zip': [3 * DAY, 1000],
      'yesterday-ish.zip': [23 * HOUR, 1000],
      'just-now.zip': [60_000, 1000],
    });
    const { deleted } = apply(dir, { keepDays: null, maxBytes: 1 });
    expect(deleted).toEqual(['old.zip']);
    expect(left(dir)).toEqual(['just-now.zip', 'yesterday-ish.zip']);
  });

  it('never deletes an archive younger than a day, even with keepDays 0', () => {
    const dir = archiveDir({ 'old.zip': [2 * DAY, 10], 'new.zip': [12 * HOUR, 10] });
    const { deleted } = apply(dir, { keepDays: 0, maxBytes: null });
    expect(deleted).toEqual(['old.zip']);
    expect(left(dir)).toEqual(['new.zip']);
  });

  it('leaves temp zips and files that are not zips alone, and does not count them', () => {
    const dir = archiveDir({
      '.tmp-17.zip': [40 * DAY, 10_000],
      'notes.txt': [40 * DAY, 10_000],
      'run1_summary.json': [40 * DAY, 10_000],
      'run1.zip.part': [40 * DAY, 10_000],
      'run1.zip': [2 * DAY, 100],
    });
    fs.mkdirSync(path.join(dir, 'folder.zip'));
    const { deleted } = apply(dir, { keepDays: 7, maxBytes: 100 });
    expect(deleted).toEqual([]);
    expect(left(dir)).toEqual([
      '.tmp-17.zip',
      'folder.zip',
      'notes.txt',
      'run1.zip',
      'run1.zip.part',
      'run1_summary.json',
    ]);
  });

  it('deletes nothing when both limits are off', () => {
    const dir = archiveDir({ 'ancient.zip': [3650 * DAY, 1_000_000], 'b.zip': [5 * DAY, 10] });
    const { deleted, lines } = apply(dir, { keepDays: null, maxBytes: null });
    expect(deleted).toEqual([]);
    expect(left(dir)).toEqual(['ancient.zip', 'b.zip']);
    expect(lines).toEqual([]);
  });

  it('applies both limits together: too old, then too big', () => {
    const dir = archiveDir({
      'a.zip': [20 * DAY, 100],
      'b.zip': [5 * DAY, 100],
      'c.zip': [4 * DAY, 100],
      'd.zip': [3 * DAY, 100],
    });
    const { deleted } = apply(dir, { keepDays: 10, maxBytes: 200 });
    expect(deleted).toEqual(['a.zip', 'b.zip']);
    expect(left(dir)).toEqual(['c.zip', 'd.zip']);
  });

  it('logs one line per deletion, naming the archive', () => {
    const dir = archiveDir({
      'a.zip': [9 * DAY, 2048],
      'b.zip': [8 * DAY, 100],
      'c.zip': [2 * DAY, 100],
    });
    const { deleted, lines } = apply(dir, { keepDays: 7, maxBytes: null });
    expect(deleted).toEqual(['a.zip', 'b.zip']);
    const messages = lines.filter((l) => l.level !== 'debug');
    expect(messages).toHaveLength(2);
    expect(messages.every((l) => l.level === 'info')).toBe(true);
    expect(messages[0]?.message).toContain('a.zip');
    expect(messages[0]?.message).toContain('7 days');
    expect(messages[1]?.message).toContain('b.zip');
  });

  it('says in the log line when an archive went for the size limit', () => {
    const dir = archiveDir({ 'a.zip': [3 * DAY, 2048], 'b.zip': [2 * DAY, 2048] });
    const { deleted, lines } = apply(dir, { keepDays: null, maxBytes: 3000 });
    expect(deleted).toEqual(['a.zip']);
    expect(lines).toHaveLength(1);
    expect(lines[0]?.message).toContain('a.zip');
    expect(lines[0]?.message).toMatch(/over/);
  });

  it('returns nothing, without throwing, when the archive folder does not exist', () => {
    const dir = archiveDir({});
    expect(apply(path.join(dir, 'missing'), { keepDays: 1, maxBytes: 1 }).deleted).toEqual([]);
  });
});
