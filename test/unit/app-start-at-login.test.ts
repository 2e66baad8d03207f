import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startAtLogin } from '../../electron/app/start-at-login.ts';
import { AUTOSTART_NAME } from '../../electron/core/desktop/xdg-autostart.ts';
import { tempXdgConfigHome } from '../support/xdg-config-home.ts';

class FakeLoginItems {
  readonly calls: { openAtLogin: boolean }[] = [];
  setLoginItemSettings(settings: { openAtLogin: boolean }): void {
    this.calls.push(settings);
  }
}

describe('startAtLogin', () => {
  const configHome = tempXdgConfigHome();

  it("uses Electron's login items on macOS and Windows", async () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const items = new FakeLoginItems();
      const set = startAtLogin(platform, items, ['/Applications/Runwatch.app']);
      await set(true);
      await set(false);
      expect(items.calls, platform).toEqual([{ openAtLogin: true }, { openAtLogin: false }]);
    }
    expect(fs.existsSync(path.join(configHome(), 'autostart'))).toBe(false);
  });

  it('uses an XDG autostart entry on Linux', async () => {
    const items = new FakeLoginItems();
    const set = startAtLogin('linux', items, ['/opt/Runwatch/runwatch']);
    const file = path.join(configHome(), 'autostart', AUTOSTART_NAME);
    await set(true);
    expect(fs.readFileSync(file, 'utf8')).toContain('Exec=/opt/Runwatch/runwatch\n');
    await set(false);
    expect(fs.existsSync(file)).toBe(false);
    expect(items.calls).toEqual([]);
  });
});
