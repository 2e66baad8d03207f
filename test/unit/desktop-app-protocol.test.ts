import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { appResponse } from '../../electron/core/desktop/app-protocol.ts';
import { APP_CSP } from '../../electron/core/desktop/content-security-policy.ts';
import { tempDir } from '../support/orchestration-db.ts';

let root: string;
let outside: string;

beforeAll(() => {
  const base = fs.realpathSync(tempDir());
  root = path.join(base, 'ui');
  outside = path.join(base, 'secret.txt');
  fs.mkdirSync(path.join(root, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Runwatch</title>');
  fs.writeFileSync(path.join(root, 'assets', 'index.js'), 'console.log(1);');
  fs.writeFileSync(path.join(root, '.hidden'), 'hidden');
  fs.writeFileSync(outside, 'not for the page');
  fs.symlinkSync(outside, path.join(root, 'link.txt'));
});

const get = (url: string, method = 'GET') => appResponse({ url, method }, root);

describe('app://runwatch/', () => {
  it("serves the UI folder's files with their type and the app's policy", async () => {
    const page = await get('app://runwatch/index.html');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(APP_CSP);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>Runwatch</title>');

    const script = await get('app://runwatch/assets/index.js?v=1');
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await script.text()).toBe('console.log(1);');

    expect(await (await get('app://runwatch/')).text()).toContain('Runwatch');
  });

  it('answers nothing outside the folder: dot-dot, encoded, hidden, symlinked out, folders', async () => {
    for (const url of [
      'app://runwatch/../secret.txt',
      'app://runwatch/%2e%2e/secret.txt',
      'app://runwatch/assets%2f..%2f..%2fsecret.txt',
      'app://runwatch/.hidden',
      'app://runwatch/link.txt',
      'app://runwatch/assets',
      'app://runwatch/missing.js',
    ]) {
      const response = await get(url);
      expect(response.status, url).toBe(404);
      expect(await response.text(), url).not.toContain('not for the page');
    }
  });

  it('serves only its own host, and only reads', async () => {
    expect((await get('app://elsewhere/index.html')).status).toBe(404);
    expect((await get('app://runwatch/index.html', 'POST')).status).toBe(405);
    const head = await get('app://runwatch/index.html', 'HEAD');
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});
