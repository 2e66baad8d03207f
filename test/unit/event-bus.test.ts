import { describe, expect, it } from 'vitest';
import type { RunwatchEvent } from '../../shared/events.ts';
import { EventBus } from '../../electron/core/events/event-bus.ts';

const base = { source: 'orch', at: '2026-11-25T16:00:00.000Z' };
const started: RunwatchEvent = {
  ...base,
  id: 1,
  type: 'run_started',
  run_id: 'r1',
  pipeline: 'etl',
  attempt: 1,
  occurred_at: base.at,
  status: 'running',
};
const down: RunwatchEvent = { ...base, id: 2, type: 'source_down', reason: 'locked' };

describe('EventBus', () => {
  it('delivers each event to the listeners of its type and to every catch-all listener, in order', () => {
    const bus = new EventBus(() => {});
    const seen: string[] = [];
    bus.on('run_started', (event) => seen.push(`started ${event.run_id} ${event.status}`));
    bus.on('source_down', (event) => seen.push(`down ${event.reason}`));
    bus.onAny((event) => seen.push(`any ${event.id}`));
    bus.publish([started, down]);
    expect(seen).toEqual(['started r1 running', 'any 1', 'down locked', 'any 2']);
  });

  it('reports a listener that throws and still delivers to the others', () => {
    const errors: [string, number][] = [];
    const bus = new EventBus((error, event) => errors.push([String(error), event.id]));
    const seen: number[] = [];
    bus.onAny(() => {
      throw new Error('broken handler');
    });
    bus.onAny((event) => seen.push(event.id));
    bus.publish([started, down]);
    expect(seen).toEqual([1, 2]);
    expect(errors).toEqual([
      ['Error: broken handler', 1],
      ['Error: broken handler', 2],
    ]);
  });

  it('stops delivering to a listener once unsubscribed', () => {
    const bus = new EventBus(() => {});
    const seen: number[] = [];
    const off = bus.on('run_started', (event) => seen.push(event.id));
    bus.publish([started]);
    off();
    bus.publish([started]);
    expect(seen).toEqual([1]);
  });
});
