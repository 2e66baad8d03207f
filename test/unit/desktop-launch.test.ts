import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { launchCommand } from '../../electron/core/desktop/launch-command.ts';
import { userDataDir } from '../../electron/core/desktop/user-data-dir.ts';

describe('launchCommand', () => {
  const facts = {
    isPackaged: true,
    execPath: '/tmp/.mount_RunwatXYZ/runwatch',
    appImage: undefined,
    mainScript: '/repo/dist/app/main.js',
  };

  it('starts the installed executable', () => {
    expect(launchCommand({ ...facts, execPath: '/opt/Runwatch/runwatch' })).toEqual([
      '/opt/Runwatch/runwatch',
    ]);
  });

  it('starts the AppImage itself, not the mount it runs from, which is gone at exit', () => {
    expect(launchCommand({ ...facts, appImage: '/home/me/Apps/Runwatch.AppImage' })).toEqual([
      '/home/me/Apps/Runwatch.AppImage',
    ]);
  });

  it("starts a checkout's Electron with the main bundle", () => {
    expect(
      launchCommand({
        ...facts,
        isPackaged: false,
        execPath: '/repo/node_modules/electron/dist/electron',
      }),
    ).toEqual(['/repo/node_modules/electron/dist/electron', '/repo/dist/app/main.js']);
  });
});

describe('userDataDir', () => {
  it("is the OS's app-data folder + runwatch, where the CLI's data dirs are too", () => {
    expect(userDataDir(['/usr/bin/runwatch'], '/home/me/.config')).toBe(
      path.join('/home/me/.config', 'runwatch'),
    );
  });

  it('is the folder --user-data-dir names, the last one given', () => {
    expect(
      userDataDir(
        ['electron', 'main.js', '--user-data-dir=/tmp/a', '--user-data-dir=/tmp/profile'],
        '/home/me/.config',
      ),
    ).toBe(path.resolve('/tmp/profile'));
    expect(userDataDir(['electron', '--user-data-dir='], '/home/me/.config')).toBe(
      path.join('/home/me/.config', 'runwatch'),
    );
  });
});
