import { describe, expect, it } from 'vitest';
import type { AlertsView } from '../../shared/api.ts';
import {
  unheardHeadline,
  unheardSources,
  unheardWhy,
} from '../../renderer/src/views/unheard-alerts.ts';

const SINCE = '2026-01-01T09:00:00.000Z';

function view(reach: Partial<AlertsView['reach']>, inactive: string[] = []): AlertsView {
  return {
    firing: 0,
    pending_deliveries: 0,
    failing: [],
    inactive_channels: inactive.map((channel) => ({
      channel,
      why: `${channel.toUpperCase()}_URL is not set`,
      rules: [],
    })),
    rules_without_channel: [],
    reach: { since: SINCE, fired: 0, delivered: 0, channel_active: true, ...reach },
  };
}

describe('alerts that reach nobody', () => {
  it('names each source with no active channel, with what fired and what was delivered', () => {
    const unheard = unheardSources({
      orders: view({ fired: 5, channel_active: false }, ['desktop', 'slack']),
      ml: view({ fired: 3, delivered: 3 }),
      billing: view({ fired: 1, delivered: 1, channel_active: false }),
    });
    expect(unheard.map((entry) => entry.source)).toEqual(['billing', 'orders']);
    const [billing, orders] = unheard;
    expect(orders && unheardHeadline(orders)).toBe(
      '5 alerts fired, 0 delivered: no active channel',
    );
    expect(billing && unheardHeadline(billing)).toBe(
      '1 alert fired, 1 delivered: no active channel',
    );
    expect(orders && unheardWhy(orders)).toBe(
      'desktop: DESKTOP_URL is not set; slack: SLACK_URL is not set',
    );
    expect(billing && unheardWhy(billing)).toBe('no channel is set up');
  });

  it('says nothing while a channel can send, whatever was delivered', () => {
    expect(unheardSources({ orders: view({ fired: 4, delivered: 0 }) })).toEqual([]);
  });
});
