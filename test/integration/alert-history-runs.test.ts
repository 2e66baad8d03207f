import { afterEach, describe, expect, it } from 'vitest';
import { deliveryView } from '../../electron/core/api/delivery-view.ts';
import { AlertHarness, SOURCE } from '../support/alert-harness.ts';

const CONFIG = `
channels:
  desktop: { type: desktop }
rules:
  - name: run-failed
    match: { type: run_completed, outcome: failed }
    severity: critical
    channels: [desktop]
  - name: source-down
    match: { type: source_down }
    severity: error
    channels: [desktop]
defaults:
  group_window: 10s
`;

let harness: AlertHarness | null = null;
afterEach(async () => {
  await harness?.close();
  harness = null;
});

describe('a delivery in the alert history', () => {
  it('names the run its alerts are about, the pipeline a group shares, and no run for the source', async () => {
    const h = (harness = new AlertHarness(CONFIG, {}));
    await h.emit(h.failed('etl-1'));
    // Within the group window: one follow-up about two runs of one pipeline.
    await h.emit(h.failed('etl-2'), h.failed('etl-3'));
    await h.advance(11_000);
    await h.emit(h.failed('etl-4'), h.failed('train-1', 'train'));
    await h.advance(30_000);
    await h.emit(h.source('source_down', 'file not found'));

    const deliveries = h.store.alertHistory
      .read(0)
      .deliveries.map((row) => deliveryView(SOURCE, row));
    expect(
      deliveries.map(({ alerts, run_id, pipeline, attempt }) => ({
        alerts,
        run_id,
        pipeline,
        attempt,
      })),
    ).toEqual([
      { alerts: 1, run_id: 'etl-1', pipeline: 'etl', attempt: 1 },
      { alerts: 2, run_id: null, pipeline: 'etl', attempt: null },
      { alerts: 2, run_id: null, pipeline: null, attempt: null },
      { alerts: 1, run_id: null, pipeline: null, attempt: null },
    ]);
    expect(deliveries.map((delivery) => delivery.state)).toEqual(['sent', 'sent', 'sent', 'sent']);
  });
});
