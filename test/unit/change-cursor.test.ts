import { describe, expect, it } from 'vitest';
import {
  ChangeCursorState,
  LOOKBACK_MS,
  plausibleNewest,
  TIE_REREAD_MAX,
} from '../../electron/core/monitor/change-cursor.ts';
import type { ChangedRow } from '../../electron/core/source/sqlite-source.ts';

const NOW = Date.UTC(2026, 10, 25, 16, 0, 0);
const HOUR = 3_600_000;

function runRow(key: string, status: string, updatedAt: unknown, rowid: number | null = 1) {
  const row: ChangedRow = {
    table: 'runs',
    rowid,
    runId: key,
    key,
    status,
    updatedAt,
    writtenAt: updatedAt,
  };
  return row;
}

function stepRow(runId: string, stepId: string, status: string, updatedAt: unknown, rowid = 1) {
  const row: ChangedRow = {
    table: 'steps',
    rowid,
    runId,
    key: `${runId}\u0000${stepId}`,
    status,
    writtenAt: updatedAt,
    updatedAt,
  };
  return row;
}

/**
 * A cursor reset at monotonic time `at` with rowid 100 / 500 and the given newest updated_at,
 * held by one row (rowid 90 / 490).
 */
function cursorAt(
  at: number,
  runsNewest: unknown = '2026-11-25 15:00:00',
  stepsNewest = runsNewest,
) {
  const cursor = new ChangeCursorState();
  cursor.reset(
    { runs: 100, steps: 500 },
    {
      runs: { value: runsNewest, rowid: 90, tie: 1 },
      steps: { value: stepsNewest, rowid: 490, tie: 1 },
    },
    at,
  );
  return cursor;
}

/** The rows a check read at monotonic time `at` (from the newest position), processed. */
function accept(
  cursor: ChangeCursorState,
  result: { runs: ChangedRow[]; steps: ChangedRow[] },
  at: number,
) {
  cursor.accept(result, cursor.query(at, false), NOW, at);
}

/** The `updated_at` value a query reads runs from. */
const runsFrom = (cursor: ChangeCursorState, at: number, lookback = true) =>
  cursor.query(at, lookback).updated.runs?.value;

describe('ChangeCursorState', () => {
  it('starts the queries from the baseline it was reset to', () => {
    const cursor = cursorAt(1_000);
    expect(cursor.query(1_000, true)).toEqual({
      rowid: { runs: 100, steps: 500 },
      updated: {
        runs: { value: '2026-11-25 15:00:00', afterRowid: null },
        steps: { value: '2026-11-25 15:00:00', afterRowid: null },
      },
    });
  });

  it('queries updated_at from a watermark that lags the newest seen by the 2 s lookback', () => {
    expect(LOOKBACK_MS).toBe(2_000);
    const cursor = cursorAt(1_000);
    accept(cursor, { runs: [runRow('r1', 'running', '2026-11-25 15:00:05')], steps: [] }, 5_000);
    // right after, rows committed late with slightly older timestamps are still caught
    expect(runsFrom(cursor, 5_000)).toBe('2026-11-25 15:00:00');
    expect(runsFrom(cursor, 5_000 + LOOKBACK_MS - 1)).toBe('2026-11-25 15:00:00');
    // once the lookback has passed, the watermark moves up
    expect(runsFrom(cursor, 5_000 + LOOKBACK_MS)).toBe('2026-11-25 15:00:05');
  });

  it('without the lookback reads from the newest row seen, including rows stamped the same', () => {
    const cursor = cursorAt(1_000);
    accept(cursor, { runs: [runRow('r1', 'running', '2026-11-25 15:00:05')], steps: [] }, 5_000);
    expect(runsFrom(cursor, 5_000, false)).toBe('2026-11-25 15:00:05');
    expect(runsFrom(cursor, 5_000)).toBe('2026-11-25 15:00:00');
  });

  it('moves the watermark step by step as newer rows keep coming', () => {
    const cursor = cursorAt(0);
    accept(cursor, { runs: [runRow('r1', 'running', '2026-11-25 15:00:01')], steps: [] }, 1_000);
    accept(cursor, { runs: [runRow('r1', 'running', '2026-11-25 15:00:02')], steps: [] }, 2_000);
    accept(cursor, { runs: [runRow('r1', 'running', '2026-11-25 15:00:03')], steps: [] }, 3_000);
    expect(runsFrom(cursor, 3_000)).toBe('2026-11-25 15:00:01');
    expect(runsFrom(cursor, 4_000)).toBe('2026-11-25 15:00:02');
    expect(runsFrom(cursor, 5_000)).toBe('2026-11-25 15:00:03');
  });

  it('takes the newest of a batch as the new watermark, whatever the row order', () => {
    const cursor = cursorAt(0);
    accept(
      cursor,
      {
        runs: [
          runRow('r2', 'running', '2026-11-25 15:30:00'),
          runRow('r1', 'running', '2026-11-25 15:45:00'),
          runRow('r3', 'running', '2026-11-25 15:10:00'),
        ],
        steps: [],
      },
      1_000,
    );
    expect(runsFrom(cursor, 1_000 + LOOKBACK_MS)).toBe('2026-11-25 15:45:00');
  });

  it('passes a tie of unknown size (a bulk load) by rowid, and reads a small one again whole', () => {
    const bulk = new ChangeCursorState();
    bulk.reset(
      { runs: 60_000, steps: 1_200_000 },
      {
        runs: { value: '2026-11-25 15:00:00', rowid: 60_000, tie: null },
        steps: { value: '2026-11-25 15:00:00', rowid: 1_200_000, tie: 3 },
      },
      0,
    );
    expect(bulk.query(0, false).updated).toEqual({
      runs: { value: '2026-11-25 15:00:00', afterRowid: 60_000 },
      steps: { value: '2026-11-25 15:00:00', afterRowid: null },
    });
    // the lookback starts from the same place: the bulk rows are never read again
    expect(bulk.query(0, true).updated.runs).toEqual({
      value: '2026-11-25 15:00:00',
      afterRowid: 60_000,
    });
  });

  it('counts the rows of a new newest value, and passes its tie by rowid once it is large', () => {
    const cursor = cursorAt(0);
    const second = '2026-11-25 15:00:07';
    const rows = (from: number, count: number) =>
      Array.from({ length: count }, (_, i) => runRow(`r${from + i}`, 'running', second, from + i));
    accept(cursor, { runs: rows(101, 10), steps: [] }, 1_000);
    expect(cursor.query(1_000, false).updated.runs).toEqual({ value: second, afterRowid: null });
    // the whole tie was read again (10 rows) along with more rows holding the same value
    cursor.accept(
      { runs: [...rows(101, 10), ...rows(111, TIE_REREAD_MAX - 10)], steps: [] },
      cursor.query(1_100, false),
      NOW,
      1_100,
    );
    expect(cursor.query(1_100, false).updated.runs).toEqual({ value: second, afterRowid: null });
    // read again whole, the tie now has one row more than is read again
    accept(cursor, { runs: rows(101, TIE_REREAD_MAX + 1), steps: [] }, 1_200);
    expect(cursor.query(1_200, false).updated.runs).toEqual({
      value: second,
      afterRowid: 101 + TIE_REREAD_MAX,
    });
    // passed by rowid, each check adds only the rows it read past the tie
    accept(cursor, { runs: rows(5_000, 2), steps: [] }, 1_300);
    expect(cursor.query(1_300, false).updated.runs).toEqual({ value: second, afterRowid: 5_001 });
    // the lookback still starts where the cursor stood 2 s before
    expect(cursor.query(1_300, true).updated.runs).toEqual({
      value: '2026-11-25 15:00:00',
      afterRowid: null,
    });
  });

  it('an update that keeps the tie value (rowid below the tie) does not move the position', () => {
    const cursor = cursorAt(0);
    const second = '2026-11-25 15:00:07';
    accept(
      cursor,
      {
        runs: [runRow('a', 'running', second, 50), runRow('b', 'running', second, 120)],
        steps: [],
      },
      1_000,
    );
    const before = cursor.query(1_000, false);
    accept(cursor, { runs: [runRow('a', 'failed', second, 50)], steps: [] }, 1_100);
    expect(cursor.query(1_100, false)).toEqual(before);
  });

  it('keeps separate watermarks for runs and steps', () => {
    const cursor = cursorAt(0);
    accept(
      cursor,
      { runs: [], steps: [stepRow('r1', 'train', 'running', '2026-11-25 15:20:00', 501)] },
      1_000,
    );
    const query = cursor.query(1_000 + LOOKBACK_MS, true);
    expect(query.updated.steps?.value).toBe('2026-11-25 15:20:00');
    expect(query.updated.runs?.value).toBe('2026-11-25 15:00:00');
  });

  it('never takes a value more than 26 h in the future as the watermark', () => {
    const cursor = cursorAt(0);
    accept(
      cursor,
      {
        runs: [
          runRow('good', 'running', '2026-11-25 15:59:00'),
          runRow('future', 'running', '2026-11-27 00:00:00'), // 32 h ahead
          runRow('far', 'running', '2099-01-01 00:00:00'),
        ],
        steps: [],
      },
      1_000,
    );
    expect(runsFrom(cursor, 1_000 + LOOKBACK_MS)).toBe('2026-11-25 15:59:00');
  });

  it('does take a value a few hours ahead (a writer in a zone east of UTC)', () => {
    const cursor = cursorAt(0);
    const tokyo = '2026-11-26 01:00:00'; // NOW is 16:00 UTC: +9 h
    accept(cursor, { runs: [runRow('r1', 'running', tokyo)], steps: [] }, 1_000);
    expect(runsFrom(cursor, 1_000 + LOOKBACK_MS)).toBe(tokyo);
  });

  it('never takes an unparseable value as the watermark', () => {
    const cursor = cursorAt(0);
    accept(
      cursor,
      {
        runs: [
          runRow('a', 'running', '2026-11-25 15:40:00'),
          runRow('b', 'running', 'not a time'),
          runRow('c', 'running', 'zzz'),
        ],
        steps: [],
      },
      1_000,
    );
    expect(runsFrom(cursor, 1_000 + LOOKBACK_MS)).toBe('2026-11-25 15:40:00');
  });

  it('keeps the old watermark when every new value is implausible', () => {
    const cursor = cursorAt(0);
    accept(
      cursor,
      {
        runs: [
          runRow('a', 'running', 'garbage'),
          runRow('b', 'running', '2030-01-01 00:00:00'),
          runRow('c', 'running', null),
        ],
        steps: [],
      },
      1_000,
    );
    expect(runsFrom(cursor, 1_000 + 10 * LOOKBACK_MS)).toBe('2026-11-25 15:00:00');
  });

  it('compares epoch numbers as numbers (SQLite order), not as text', () => {
    const base = Math.floor(NOW / 1000) - 3_600;
    const cursor = cursorAt(0, base);
    accept(
      cursor,
      {
        runs: [runRow('a', 'running', base + 900), runRow('b', 'running', base + 1_000)],
        steps: [],
      },
      1_000,
    );
    // as text, "…900" would sort after "…1000"
    expect(runsFrom(cursor, 1_000 + LOOKBACK_MS)).toBe(base + 1_000);
  });

  it('filters rows already seen with the same status and updated_at', () => {
    const cursor = cursorAt(0);
    const rows = [
      runRow('r1', 'running', '2026-11-25 15:00:05'),
      runRow('r2', 'pending', '2026-11-25 15:00:04'),
    ];
    expect(cursor.unseen(rows)).toEqual(rows);
    accept(cursor, { runs: rows, steps: [] }, 1_000);
    // the lookback reads them again: nothing to process twice
    expect(cursor.unseen(rows)).toEqual([]);
    expect(
      cursor.unseen([
        runRow('r1', 'running', '2026-11-25 15:00:05'),
        runRow('r2', 'pending', '2026-11-25 15:00:04'),
      ]),
    ).toEqual([]);
  });

  it('sees a row again when its status changed, even with the same updated_at', () => {
    const cursor = cursorAt(0);
    accept(cursor, { runs: [runRow('r1', 'running', '2026-11-25 15:00:05')], steps: [] }, 1_000);
    const changed = runRow('r1', 'failed', '2026-11-25 15:00:05');
    expect(cursor.unseen([changed])).toEqual([changed]);
  });

  it('sees a row again when its updated_at changed', () => {
    const cursor = cursorAt(0);
    accept(cursor, { runs: [runRow('r1', 'running', '2026-11-25 15:00:05')], steps: [] }, 1_000);
    const later = runRow('r1', 'running', '2026-11-25 15:00:06');
    expect(cursor.unseen([later])).toEqual([later]);
  });

  it('tells a number from the same digits as text', () => {
    const cursor = cursorAt(0);
    accept(cursor, { runs: [runRow('r1', 'running', 1764087748)], steps: [] }, 1_000);
    const asText = runRow('r1', 'running', '1764087748');
    expect(cursor.unseen([asText])).toEqual([asText]);
  });

  it('keeps runs and steps apart when filtering', () => {
    const cursor = cursorAt(0);
    accept(
      cursor,
      { runs: [], steps: [stepRow('r1', 's1', 'running', '2026-11-25 15:00:05', 501)] },
      1_000,
    );
    const otherStep = stepRow('r1', 's2', 'running', '2026-11-25 15:00:05', 502);
    const run = runRow('r1', 'running', '2026-11-25 15:00:05');
    expect(cursor.unseen([otherStep])).toEqual([otherStep]);
    expect(cursor.unseen([run])).toEqual([run]);
    expect(cursor.unseen([stepRow('r1', 's1', 'running', '2026-11-25 15:00:05', 501)])).toEqual([]);
  });

  it('forgets what it saw after a reset', () => {
    const cursor = cursorAt(0);
    const row = runRow('r1', 'running', '2026-11-25 15:00:05');
    accept(cursor, { runs: [row], steps: [] }, 1_000);
    cursor.reset({ runs: 100, steps: 500 }, { runs: null, steps: null }, 2_000);
    expect(cursor.unseen([row])).toEqual([row]);
  });

  it('moves the rowid watermark to the largest new rowid', () => {
    const cursor = cursorAt(0);
    accept(
      cursor,
      {
        runs: [
          runRow('a', 'pending', '2026-11-25 15:00:01', 101),
          runRow('c', 'pending', '2026-11-25 15:00:01', 105),
          runRow('b', 'pending', '2026-11-25 15:00:01', 103),
          runRow('old', 'running', '2026-11-25 15:00:01', 7), // an update of an old row
        ],
        steps: [stepRow('c', 's1', 'pending', '2026-11-25 15:00:01', 512)],
      },
      1_000,
    );
    expect(cursor.query(1_000, true).rowid).toEqual({ runs: 105, steps: 512 });
    // an update of an old row alone never moves it back
    accept(cursor, { runs: [runRow('old', 'failed', '2026-11-25 15:00:02', 7)], steps: [] }, 2_000);
    expect(cursor.query(2_000, true).rowid).toEqual({ runs: 105, steps: 512 });
  });

  it('lowers the rowid watermark when rows at the top were deleted, and only lowers it', () => {
    const cursor = cursorAt(0);
    cursor.lowerRowid('runs', 80);
    expect(cursor.query(0, true).rowid.runs).toBe(80);
    expect(cursor.query(0, true).rowid.steps).toBe(500);
    cursor.lowerRowid('runs', 200);
    expect(cursor.query(0, true).rowid.runs).toBe(80);
    cursor.lowerRowid('runs', null);
    expect(cursor.query(0, true).rowid.runs).toBe(80);
    cursor.lowerRowid('steps', 0);
    expect(cursor.query(0, true).rowid.steps).toBe(0);
    // and a row that reuses a freed rowid is new again
    accept(
      cursor,
      { runs: [runRow('again', 'pending', '2026-11-25 15:00:01', 81)], steps: [] },
      1_000,
    );
    expect(cursor.query(1_000, true).rowid.runs).toBe(81);
  });

  it('leaves the rowid of a table without rowids alone', () => {
    const cursor = new ChangeCursorState();
    cursor.reset({ runs: null, steps: null }, { runs: null, steps: null }, 0);
    accept(cursor, { runs: [runRow('a', 'pending', '2026-11-25 15:00:01', null)], steps: [] }, 1);
    expect(cursor.query(1, true).rowid).toEqual({ runs: null, steps: null });
  });
});

describe('plausibleNewest', () => {
  it('picks the newest value that parses and is not far in the future', () => {
    expect(
      plausibleNewest(
        ['2099-01-01 00:00:00', 'garbage', null, '2026-11-25 15:59:00', '2026-11-25 15:00:00'],
        NOW,
      ),
    ).toBe('2026-11-25 15:59:00');
  });

  it('accepts a value within 26 h ahead', () => {
    expect(plausibleNewest(['2026-11-26 17:00:00'], NOW)).toBe('2026-11-26 17:00:00');
    expect(plausibleNewest(['2026-11-26 18:00:01'], NOW)).toBeNull();
    expect(plausibleNewest([NOW / 1000 + 25 * (HOUR / 1000)], NOW)).toBe(
      NOW / 1000 + 25 * (HOUR / 1000),
    );
  });

  it('is null when nothing is plausible', () => {
    expect(plausibleNewest([], NOW)).toBeNull();
    expect(plausibleNewest(['x', '2030-01-01'], NOW)).toBeNull();
  });
});
