import { describe, expect, it } from 'vitest';
import { sourceTestText } from '../../renderer/src/views/settings/source-test-text.ts';

describe("a source's Test result", () => {
  it('names the schema and the runs, or says what is wrong', () => {
    expect(
      sourceTestText({
        ok: true,
        schema: { name: 'airflow', detected: true },
        active: 3,
        finished: 120,
        error: null,
      }),
    ).toBe('airflow (recognised): 3 active, 120 finished runs');
    expect(
      sourceTestText({
        ok: false,
        schema: null,
        active: null,
        finished: null,
        error: 'postgresql://u:••••@h/db: the server refused the login',
      }),
    ).toBe('postgresql://u:••••@h/db: the server refused the login');
  });
});
