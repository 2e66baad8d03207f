import { describe, expect, it } from 'vitest';
import { checkRequest } from '../../shared/api.ts';

describe('checkRequest', () => {
  it('accepts a known request and fills in its defaults', () => {
    expect(checkRequest({ name: 'finishedRuns', params: { pipeline: 'etl' } })).toEqual({
      ok: true,
      name: 'finishedRuns',
      params: { pipeline: 'etl', limit: 50 },
    });
    expect(checkRequest({ name: 'snapshot' })).toEqual({ ok: true, name: 'snapshot', params: {} });
  });

  it('names the field that is wrong', () => {
    expect(checkRequest({ name: 'runDetail', params: { source: 'orch', run_id: '' } })).toEqual({
      ok: false,
      error: {
        code: 'invalid',
        message: expect.stringMatching(/^runDetail: run_id: /),
      },
    });
    const silence = checkRequest({
      name: 'addSilence',
      params: { source: 'orch', match: { pipeline: { regex: 'etl-.*' } }, until: 'tomorrow' },
    });
    expect(silence.ok ? '' : silence.error.message).toMatch(/^addSilence: until: /);
  });

  it('refuses unknown requests, unknown fields and what is not a request at all', () => {
    const message = (request: unknown) => {
      const checked = checkRequest(request);
      return checked.ok ? 'accepted' : checked.error.message;
    };
    expect(message({ name: 'deleteEverything', params: {} })).toBe(
      'unknown request "deleteEverything"',
    );
    expect(message({ name: 'constructor' })).toBe('unknown request "constructor"');
    expect(message({ name: 'snapshot', params: { extra: 1 } })).toMatch(/^snapshot: params: /);
    expect(message({ name: 'acknowledge', params: { target: { all: false } } })).toMatch(
      /^acknowledge: target/,
    );
    expect(message('snapshot')).toBe('a request is { name, params }');
    expect(message(null)).toBe('a request is { name, params }');
  });

  it('accepts the acknowledge targets of runwatch ack and silences with nested matchers', () => {
    for (const target of [{ run: 'r-1' }, { pipeline: 'etl' }, { all: true }]) {
      expect(checkRequest({ name: 'acknowledge', params: { target } }).ok).toBe(true);
    }
    const silence = checkRequest({
      name: 'addSilence',
      params: {
        source: 'orch',
        match: { pipeline: ['etl', { regex: 'ml-.*' }], outcome: { not: 'succeeded' } },
        until: '2026-11-27T08:00:00Z',
      },
    });
    expect(silence.ok).toBe(true);
  });
});
