import { describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  DASHBOARD_URL,
  SETTINGS_URL,
  isAppUrl,
} from '../../electron/core/desktop/app-url.ts';
import { APP_CSP, withAppCsp } from '../../electron/core/desktop/content-security-policy.ts';
import { secureWebPreferences } from '../../electron/core/desktop/web-preferences.ts';

describe('isAppUrl', () => {
  it("accepts the app's own pages, whatever their path, query or fragment", () => {
    for (const url of [
      DASHBOARD_URL,
      SETTINGS_URL,
      `${APP_ORIGIN}/`,
      `${APP_ORIGIN}/assets/index.js?v=2#x`,
    ]) {
      expect(isAppUrl(url), url).toBe(true);
    }
  });

  it('refuses every other origin, and what only looks like the app', () => {
    for (const url of [
      'https://runwatch/index.html',
      'file:///home/me/dist/renderer/index.html',
      'app://runwatch.evil.example/index.html',
      'app://evil/index.html',
      'app://runwatch@evil/index.html',
      'app://user:pass@runwatch/index.html',
      'app://runwatch:8080/index.html',
      'APP-X://runwatch/',
      'about:blank',
      'devtools://devtools/bundled/inspector.html',
      'javascript:alert(1)',
      'not a url',
      '',
      null,
      undefined,
    ]) {
      expect(isAppUrl(url), String(url)).toBe(false);
    }
  });

  it('judges against the origin it is given', () => {
    expect(isAppUrl('app://other/index.html', 'app://other')).toBe(true);
    expect(isAppUrl(DASHBOARD_URL, 'app://other')).toBe(false);
    expect(isAppUrl(DASHBOARD_URL, 'not an origin')).toBe(false);
  });
});

describe('the Content-Security-Policy', () => {
  it('lets scripts and styles come only from the app, with no frames, forms or <base>', () => {
    const directives = new Map(
      APP_CSP.split('; ').map((directive) => {
        const [name, ...values] = directive.split(' ');
        return [name, values.join(' ')];
      }),
    );
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('style-src')).toBe("'self'");
    expect(directives.get('object-src')).toBe("'none'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'none'");
    expect(directives.get('form-action')).toBe("'none'");
    expect(APP_CSP).not.toMatch(/unsafe-(inline|eval)/);
  });

  it('replaces a policy a response brought, under any spelling, and keeps the other headers', () => {
    const headers = withAppCsp({
      'content-security-policy': ["default-src *; script-src 'unsafe-inline'"],
      'CONTENT-SECURITY-POLICY': ['default-src *'],
      'Content-Type': ['text/html'],
    });
    expect(headers).toEqual({
      'Content-Type': ['text/html'],
      'Content-Security-Policy': [APP_CSP],
    });
    expect(withAppCsp(undefined)).toEqual({ 'Content-Security-Policy': [APP_CSP] });
  });
});

describe('secureWebPreferences', () => {
  it('isolates and sandboxes the page, without Node, with the preload given', () => {
    expect(secureWebPreferences('/app/dist/app/preload.cjs')).toMatchObject({
      preload: '/app/dist/app/preload.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    });
  });
});
