import { describe, expect, it } from 'vitest';
import { pgTimeout } from '../../electron/core/source/open-source.ts';
import { numberPlaceholders } from '../../electron/core/source/pg/pg-event-steps.ts';

describe('a server source', () => {
  it('gives up on a silent connection within a quarter of the grace, between 1 s and 15 s', () => {
    expect(pgTimeout(60_000)).toBe(15_000);
    expect(pgTimeout(20_000)).toBe(5_000);
    expect(pgTimeout(2_000)).toBe(1_000);
    expect(pgTimeout(10 * 60_000)).toBe(15_000);
  });

  it('numbers placeholders, leaving question marks in quoted text and names alone', () => {
    expect(
      numberPlaceholders(`SELECT 'a?b', "c?" FROM t WHERE x = ? AND y ~ '(:?z)?' LIMIT ?`),
    ).toBe(`SELECT 'a?b', "c?" FROM t WHERE x = $1 AND y ~ '(:?z)?' LIMIT $2`);
  });
});
