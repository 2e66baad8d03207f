import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash } from '../../renderer/src/state/route.ts';

describe('the route in the address', () => {
  it('leads to a part of the settings and back', () => {
    expect(parseRoute('#/settings/channels')).toEqual({ view: 'settings', section: 'channels' });
    expect(parseRoute('#/settings')).toEqual({ view: 'settings' });
    expect(routeHash({ view: 'settings', section: 'channels' })).toBe('#/settings/channels');
    expect(routeHash({ view: 'settings' })).toBe('#/settings');
  });
});
