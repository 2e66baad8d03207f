import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { attemptStem, safeId } from '../../electron/core/archive/safe-id.ts';

/** ARCHITECTURE.md §5: the run id itself is used only when it matches this, among other conditions. */
const PLAIN = /^[a-z0-9][a-z0-9._-]{0,99}$/;
/** Every result: a lower-case start, then the plain alphabet plus `~` (before the hash). */
const SAFE = /^[a-z0-9][a-z0-9._~-]*$/;
/** A sanitized result: a readable prefix, `~`, and 10 hex digits of the id's SHA-256. */
const HASHED = /^([a-z0-9][a-z0-9._-]*)~([0-9a-f]{10})$/;
/** The longest result: a plain id is at most 100 characters; a hashed one 60 + `~` + 10. */
const MAX_LENGTH = 100;

/** The §5 rule for an id that is used as it is. */
const isPlain = (id: string) =>
  PLAIN.test(id) && !id.endsWith('.') && !/^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/.test(id);

const sha10 = (id: string) => createHash('sha256').update(id, 'utf8').digest('hex').slice(0, 10);

const HOSTILE = [
  '../../etc/passwd',
  '/abs/path',
  'a/b',
  'a_b',
  'a\\b',
  'Run1',
  'run1',
  'RUN1',
  'con',
  'CON',
  'CON.txt',
  'nul',
  'aux.tar.gz',
  'com1',
  'lpt9.log',
  'x.',
  'x..',
  'r'.repeat(300),
  'R'.repeat(300),
  'r'.repeat(100),
  'r'.repeat(101),
  '実験-1',
  '実験-2',
  'café',
  'cafe\u0301',
  'cafe',
  '',
  '.hidden',
  '-dash',
  '..',
  '.',
  '~',
  'a~b',
  'run@2',
  'a b',
  'a\u0000b',
  'trailing-',
  '   ',
];

describe('safeId', () => {
  it('passes plain lower-case ids through unchanged', () => {
    for (const id of ['etl-daily-0001', 'run_1.v2', 'a', '0', 'x'.repeat(100), 'a..b', 'a-']) {
      expect(safeId(id)).toBe(id);
    }
  });

  it('sanitizes an id that is not plain into a prefix, `~`, and 10 hex digits of its SHA-256', () => {
    for (const id of HOSTILE.filter((id) => !isPlain(id))) {
      const match = HASHED.exec(safeId(id));
      expect(match, `${JSON.stringify(id)} -> ${safeId(id)}`).not.toBeNull();
      expect(match![2]).toBe(sha10(id));
    }
  });

  it('passes through exactly the ids that follow the plain rule', () => {
    for (const id of HOSTILE) {
      if (isPlain(id)) expect(safeId(id), JSON.stringify(id)).toBe(id);
      else expect(safeId(id), JSON.stringify(id)).not.toBe(id);
    }
  });

  it('keeps a readable prefix of what the id said', () => {
    expect(safeId('../../etc/passwd')).toMatch(/^etc_passwd~/);
    expect(safeId('/abs/path')).toMatch(/^abs_path~/);
    expect(safeId('a/b')).toMatch(/^a_b~/);
    expect(safeId('Run1')).toMatch(/^run1~/);
    expect(safeId('x.')).toMatch(/^x~/);
    expect(safeId('.hidden')).toMatch(/^hidden~/);
    expect(safeId('-dash')).toMatch(/^dash~/);
    expect(safeId('café')).toMatch(/^cafe~/);
    expect(safeId('cafe\u0301')).toMatch(/^cafe~/);
  });

  it('names an id with nothing readable in it `run~<hash>`', () => {
    expect(safeId('')).toBe(`run~${sha10('')}`);
    expect(safeId('実験')).toBe(`run~${sha10('実験')}`);
    expect(safeId('..')).toBe(`run~${sha10('..')}`);
  });

  it('gives a name that is safe as a file name on every file system', () => {
    for (const id of HOSTILE) {
      const name = safeId(id);
      const label = `${JSON.stringify(id)} -> ${name}`;
      expect(name, label).toMatch(SAFE);
      expect(name, label).not.toMatch(/[/\\\0]/);
      expect(name, label).not.toBe('.');
      expect(name, label).not.toBe('..');
      expect(name.length, label).toBeGreaterThan(0);
      expect(name.length, label).toBeLessThanOrEqual(MAX_LENGTH);
      expect(name.endsWith('.'), label).toBe(false);
      expect(name, label).not.toMatch(/^(con|prn|aux|nul|com[1-9]|lpt[1-9])$/);
    }
  });

  it('sanitizes Windows device names with no extension into a name that is not one', () => {
    for (const id of ['con', 'CON', 'prn', 'aux', 'nul', 'com1', 'com9', 'lpt1', 'lpt9']) {
      const name = safeId(id);
      expect(name).not.toBe(id);
      expect(name).not.toMatch(/^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/);
    }
  });

  it('keeps long ids short: a 300-character id gives at most 71 characters', () => {
    const name = safeId('r'.repeat(300));
    expect(name).toBe(`${'r'.repeat(60)}~${sha10('r'.repeat(300))}`);
    expect(safeId('r'.repeat(101)).length).toBeLessThanOrEqual(71);
    expect(safeId('r'.repeat(100))).toBe('r'.repeat(100));
  });

  it('gives distinct ids distinct names, including ids that differ only in case or form', () => {
    const names = HOSTILE.map((id) => safeId(id));
    expect(new Set(names).size).toBe(HOSTILE.length);
    // Folders on macOS and Windows ignore case: no two names may differ only in case.
    expect(new Set(names.map((name) => name.toLowerCase())).size).toBe(HOSTILE.length);
    expect(safeId('Run1')).not.toBe(safeId('run1'));
    expect(safeId('a/b')).not.toBe(safeId('a_b'));
    expect(safeId('café')).not.toBe(safeId('cafe\u0301'));
    expect(safeId('café')).not.toBe(safeId('cafe'));
  });

  it('gives the same id the same name every time', () => {
    for (const id of HOSTILE) expect(safeId(id)).toBe(safeId(id));
  });

  it('never puts `@` in a name, so an attempt suffix cannot collide with a run id', () => {
    for (const id of HOSTILE) expect(safeId(id)).not.toContain('@');
    expect(safeId('run@2')).not.toBe(attemptStem('run', 2));
  });
});

describe('attemptStem', () => {
  it('is the safe id for the first attempt', () => {
    expect(attemptStem('etl-daily-0001', 1)).toBe('etl-daily-0001');
    expect(attemptStem('Run1', 1)).toBe(safeId('Run1'));
  });

  it('adds `@n` for attempt n > 1', () => {
    expect(attemptStem('etl-daily-0001', 2)).toBe('etl-daily-0001@2');
    expect(attemptStem('etl-daily-0001', 17)).toBe('etl-daily-0001@17');
    expect(attemptStem('../../etc/passwd', 3)).toBe(`${safeId('../../etc/passwd')}@3`);
  });

  it('gives every attempt of a run its own stem', () => {
    const stems = [1, 2, 3, 10].map((n) => attemptStem('run1', n));
    expect(new Set(stems).size).toBe(4);
  });
});

describe('safeId and Windows device names', () => {
  it('never yields a device name with an extension, whatever case or extension the id has', () => {
    const device = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/;
    for (const id of ['CON.txt', 'lpt9.log', 'aux.tar.gz', 'Nul.x', 'COM1.', 'prn.']) {
      expect(safeId(id)).not.toMatch(device);
      expect(safeId(id)).not.toMatch(/\.$/);
    }
  });
});
