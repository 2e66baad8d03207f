import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PushMessage } from '../../shared/api.ts';
import { prepareSession } from '../../electron/app/app-session.ts';
import type { PushTarget } from '../../electron/app/ipc-transport.ts';
import { AppWindows, hardenContents } from '../../electron/app/windows.ts';
import { DASHBOARD_URL, SETTINGS_URL } from '../../electron/core/desktop/app-url.ts';
import { APP_CSP } from '../../electron/core/desktop/content-security-policy.ts';
import { silentLogger } from '../../electron/core/log.ts';
import { tempDir } from '../support/orchestration-db.ts';
import {
  FakeNavigationEvent,
  FakeSession,
  FakeWebContents,
  FakeWindow,
} from '../support/fake-electron.ts';

class Pushes {
  readonly attached: PushTarget[] = [];
  readonly sent: { contents: PushTarget; message: PushMessage }[] = [];
  attach(contents: PushTarget): void {
    this.attached.push(contents);
  }
  send(contents: PushTarget, message: PushMessage): void {
    this.sent.push({ contents, message });
  }
}

function setUp() {
  const created: FakeWindow[] = [];
  const pushes = new Pushes();
  const windows = new AppWindows({
    createWindow: (options) => {
      const window = new FakeWindow(options);
      created.push(window);
      return window;
    },
    preload: '/app/dist/app/preload.cjs',
    pushes,
    log: silentLogger,
  });
  return { created, pushes, windows };
}

describe('hardenContents', () => {
  it("lets a page move only within the app's own pages", () => {
    const contents = new FakeWebContents();
    hardenContents(contents, silentLogger);
    expect(contents.navigate(SETTINGS_URL)).toBe(true);
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'app://elsewhere/x']) {
      expect(contents.navigate(url), url).toBe(false);
      expect(contents.navigate(url, 'will-redirect'), url).toBe(false);
    }
  });

  it('refuses every new window, for links out too, and never attaches a webview', () => {
    const contents = new FakeWebContents();
    hardenContents(contents, silentLogger);
    for (const url of ['https://example.com/', DASHBOARD_URL, 'about:blank']) {
      expect(contents.openHandler?.({ url }), url).toEqual({ action: 'deny' });
    }
    const attach = new FakeNavigationEvent();
    contents.emit('will-attach-webview', attach);
    expect(attach.prevented).toBe(true);
  });
});

describe('AppWindows', () => {
  it('opens the dashboard sandboxed, with the preload, on the app page, shown once ready', () => {
    const { created, pushes, windows } = setUp();
    windows.openDashboard();
    expect(created).toHaveLength(1);
    const [window] = created as [FakeWindow];
    expect(window.options.webPreferences).toMatchObject({
      preload: '/app/dist/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    });
    expect(window.options.show).toBe(false);
    expect(window.loaded).toEqual([DASHBOARD_URL]);
    expect(pushes.attached).toEqual([window.webContents]);
    expect(window.shown).toBe(0);
    window.emit('ready-to-show');
    expect(window.shown).toBe(1);
    // Its page is kept on the app.
    expect(window.webContents.navigate('https://evil.example/')).toBe(false);
    expect(window.webContents.openHandler?.({ url: 'https://evil.example/' })).toEqual({
      action: 'deny',
    });
  });

  it('brings the one dashboard back to the front rather than opening another', () => {
    const { created, windows } = setUp();
    windows.openDashboard();
    const [window] = created as [FakeWindow];
    window.minimized = true;
    windows.openDashboard();
    expect(created).toHaveLength(1);
    expect(window.minimized).toBe(false);
    expect(window.shown).toBe(1);
    expect(window.focused).toBe(1);
  });

  it('opens a new one once the dashboard was closed', () => {
    const { created, windows } = setUp();
    windows.openDashboard();
    created[0]?.close();
    windows.openDashboard();
    expect(created).toHaveLength(2);
    expect(created[1]?.loaded).toEqual([DASHBOARD_URL]);
  });

  it('opens a new dashboard at a run once its page has loaded', () => {
    const { created, pushes, windows } = setUp();
    windows.openDashboard({ view: 'run', source: 'etl', run_id: 'run-7' });
    expect(pushes.sent).toEqual([]);
    const [window] = created as [FakeWindow];
    window.webContents.finishLoad(DASHBOARD_URL);
    expect(pushes.sent).toEqual([
      {
        contents: window.webContents,
        message: { type: 'navigate', source: 'etl', run_id: 'run-7' },
      },
    ]);
  });

  it('tells an open dashboard to go to the run at once', () => {
    const { created, pushes, windows } = setUp();
    windows.openDashboard();
    created[0]?.webContents.finishLoad(DASHBOARD_URL);
    windows.openDashboard({ view: 'run', source: 'etl', run_id: 'run-8' });
    expect(pushes.sent.map((sent) => sent.message)).toEqual([
      { type: 'navigate', source: 'etl', run_id: 'run-8' },
    ]);
  });

  it('opens settings in a window of its own', () => {
    const { created, windows } = setUp();
    windows.openDashboard();
    windows.openSettings();
    windows.openSettings();
    expect(created.map((window) => window.loaded)).toEqual([[DASHBOARD_URL], [SETTINGS_URL]]);
  });
});

describe('prepareSession', () => {
  function prepared() {
    const root = path.join(fs.realpathSync(tempDir()), 'ui');
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(root, 'index.html'), '<title>Runwatch</title>');
    const session = new FakeSession();
    prepareSession(session, root, silentLogger);
    return session;
  }

  it('refuses every permission a page asks for, and says no when one is checked', () => {
    const session = prepared();
    for (const permission of [
      'media',
      'geolocation',
      'notifications',
      'clipboard-read',
      'openExternal',
    ]) {
      expect(session.ask(permission), permission).toBe(false);
      expect(session.checkHandler?.(null, permission), permission).toBe(false);
    }
  });

  it("puts the app's policy on every response, in place of the response's own", () => {
    const session = prepared();
    expect(
      session.headers({
        'content-security-policy': ["script-src 'unsafe-inline'"],
        'content-type': ['text/html'],
      }),
    ).toEqual({ 'content-type': ['text/html'], 'Content-Security-Policy': [APP_CSP] });
  });

  it('serves the UI folder at app://runwatch/', async () => {
    const session = prepared();
    const handler = session.protocols.get('app');
    const page = await handler?.(new Request(DASHBOARD_URL));
    expect(page?.status).toBe(200);
    expect(await page?.text()).toBe('<title>Runwatch</title>');
    expect((await handler?.(new Request('app://runwatch/../../etc/passwd')))?.status).toBe(404);
  });
});
