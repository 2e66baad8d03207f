import { describe, expect, it } from 'vitest';
import { routeHash } from '../../renderer/src/state/route.ts';
import { runRoute, runRowKey } from '../../renderer/src/views/run-row-key.ts';

describe('run rows', () => {
  it('key a row as <source>/<run id>', () => {
    expect(runRowKey({ source: 'orders', run_id: 'etl-0001' })).toBe('orders/etl-0001');
  });

  it('link to the run detail, with the attempt only when given', () => {
    expect(routeHash(runRoute({ source: 'orders', run_id: 'etl/1' }))).toBe('#/run/orders/etl%2F1');
    expect(runRoute({ source: 'orders', run_id: 'etl', attempt: 2 })).toEqual({
      view: 'run',
      source: 'orders',
      run_id: 'etl',
      attempt: 2,
    });
  });
});
