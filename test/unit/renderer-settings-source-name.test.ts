import { describe, expect, it } from 'vitest';
import { suggestSourceName } from '../../renderer/src/views/settings/source-name.ts';

describe('suggestSourceName', () => {
  it('names a source after its database file, without the extension', () => {
    expect(suggestSourceName('/srv/airflow/orders.db', [])).toBe('orders');
    expect(suggestSourceName('C:\\data\\Training Runs.sqlite3', [])).toBe('Training Runs');
  });

  it('makes the name unique, and one a folder can have', () => {
    expect(suggestSourceName('/a/orders.db', ['orders'])).toBe('orders-2');
    expect(suggestSourceName('/a/orders.db', ['orders', 'orders-2'])).toBe('orders-3');
    expect(suggestSourceName('/a/what?.db', [])).toBe('what-');
    expect(suggestSourceName('/a/.db', [])).toBe('source');
  });
});
