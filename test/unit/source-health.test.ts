import { describe, expect, it } from 'vitest';
import { SourceHealth } from '../../electron/core/source/source-health.ts';

const GRACE = 60_000;
const T0 = Date.UTC(2026, 10, 25, 16, 0, 0);

const kinds = (changes: { kind: string }[]) => changes.map((change) => change.kind);

describe('SourceHealth', () => {
  it('starts up and healthy', () => {
    const health = new SourceHealth(GRACE);
    expect(health.isDown).toBe(false);
    expect(health.isFailing).toBe(false);
    expect(health.reason).toBeNull();
    expect(health.success()).toEqual([]);
  });

  it('reports a failure at once as failing, but down only after the grace', () => {
    const health = new SourceHealth(GRACE);
    expect(health.failure('database file missing', T0)).toEqual([
      { kind: 'failing', reason: 'database file missing' },
    ]);
    expect(health.isFailing).toBe(true);
    expect(health.isDown).toBe(false);
    expect(health.failure('database file missing', T0 + 30_000)).toEqual([]);
    expect(health.failure('database file missing', T0 + GRACE - 1)).toEqual([]);
    expect(health.isDown).toBe(false);
    expect(health.failure('database file missing', T0 + GRACE)).toEqual([
      { kind: 'down', reason: 'database file missing', since: T0 + GRACE },
    ]);
    expect(health.isDown).toBe(true);
  });

  it('reports down once, however long the failure lasts', () => {
    const health = new SourceHealth(GRACE);
    const downs: unknown[] = [];
    for (let t = T0; t <= T0 + 10 * GRACE; t += 1_000) {
      for (const change of health.failure('locked', t))
        if (change.kind === 'down') downs.push(change);
    }
    expect(downs).toEqual([{ kind: 'down', reason: 'locked', since: T0 + GRACE }]);
  });

  it('counts the grace from the first failure, not from the latest reason', () => {
    const health = new SourceHealth(GRACE);
    health.failure('missing', T0);
    health.failure('not a database', T0 + 40_000);
    expect(kinds(health.failure('not a database', T0 + GRACE))).toEqual(['down']);
  });

  it('gives no down and no up for a failure that recovers within the grace', () => {
    const health = new SourceHealth(GRACE);
    health.failure('database is locked', T0);
    health.failure('database is locked', T0 + 59_000);
    const changes = health.success();
    expect(changes).toEqual([{ kind: 'recovered' }]);
    expect(kinds(changes)).not.toContain('up');
    expect(health.isFailing).toBe(false);
    expect(health.isDown).toBe(false);
    // and the grace starts over for the next failure
    health.failure('database is locked', T0 + 100_000);
    expect(health.failure('database is locked', T0 + 100_000 + GRACE - 1)).toEqual([]);
    expect(kinds(health.failure('database is locked', T0 + 100_000 + GRACE))).toEqual(['down']);
  });

  it('gives up only after a down, naming when the outage began', () => {
    const health = new SourceHealth(GRACE);
    health.failure('missing', T0);
    health.failure('missing', T0 + GRACE);
    expect(health.success()).toEqual([
      { kind: 'up', reason: 'database readable again', downSince: T0 + GRACE },
    ]);
    expect(health.isDown).toBe(false);
    expect(health.isFailing).toBe(false);
    expect(health.reason).toBeNull();
    // a second success says nothing
    expect(health.success()).toEqual([]);
  });

  it('reports the same reason once and a new reason again', () => {
    const health = new SourceHealth(GRACE);
    expect(health.failure('missing', T0)).toEqual([{ kind: 'failing', reason: 'missing' }]);
    expect(health.failure('missing', T0 + 1_000)).toEqual([]);
    expect(health.failure('missing', T0 + 2_000)).toEqual([]);
    expect(health.failure('not a database', T0 + 3_000)).toEqual([
      { kind: 'failing', reason: 'not a database' },
    ]);
    expect(health.reason).toBe('not a database');
    expect(health.failure('not a database', T0 + 4_000)).toEqual([]);
    // and a reason that comes back after another is new again
    expect(health.failure('missing', T0 + 5_000)).toEqual([{ kind: 'failing', reason: 'missing' }]);
  });

  it('reports a new reason while already down, without a second down', () => {
    const health = new SourceHealth(GRACE);
    health.failure('missing', T0);
    health.failure('missing', T0 + GRACE);
    expect(health.failure('schema lacks runs.updated_at', T0 + 2 * GRACE)).toEqual([
      { kind: 'failing', reason: 'schema lacks runs.updated_at' },
    ]);
  });

  it('reports the same reason again after a recovery', () => {
    const health = new SourceHealth(GRACE);
    health.failure('missing', T0);
    health.success();
    expect(health.failure('missing', T0 + 5_000)).toEqual([{ kind: 'failing', reason: 'missing' }]);
  });

  it('constructed already down (a restart during an outage), a success gives up', () => {
    const downSince = T0 - 3_600_000;
    const health = new SourceHealth(GRACE, downSince);
    expect(health.isDown).toBe(true);
    expect(health.isFailing).toBe(true);
    expect(health.success()).toEqual([
      { kind: 'up', reason: 'database readable again', downSince },
    ]);
    expect(health.isDown).toBe(false);
  });

  it('constructed already down, further failures give no second down', () => {
    const downSince = T0 - 3_600_000;
    const health = new SourceHealth(GRACE, downSince);
    const changes = [
      ...health.failure('missing', T0),
      ...health.failure('missing', T0 + GRACE),
      ...health.failure('missing', T0 + 5 * GRACE),
    ];
    expect(kinds(changes)).toEqual(['failing']);
    expect(health.success()).toEqual([
      { kind: 'up', reason: 'database readable again', downSince },
    ]);
  });

  it('with a zero grace, goes down on the first failure', () => {
    const health = new SourceHealth(0);
    expect(kinds(health.failure('missing', T0))).toEqual(['failing', 'down']);
  });
});
