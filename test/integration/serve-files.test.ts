import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { SECRET, rawRequest, signIn, startServe } from '../support/serve-harness.ts';

describe('serve: the UI folder', () => {
  it('serves index.html at / and each file with its type', async () => {
    const { address, base } = await startServe();
    const cookie = await signIn(address.url);
    const expected: [string, string, string][] = [
      ['/', 'text/html; charset=utf-8', '<title>UI</title>'],
      ['/index.html', 'text/html; charset=utf-8', '<title>UI</title>'],
      ['/app.js', 'text/javascript; charset=utf-8', 'console.log'],
      ['/style.css', 'text/css; charset=utf-8', 'margin'],
      ['/logo.svg', 'image/svg+xml', '<svg'],
      ['/nested/data.json', 'application/json', '{"ok":true}'],
      ['/alias.js', 'text/javascript; charset=utf-8', 'console.log'],
    ];
    for (const [target, type, text] of expected) {
      const response = await fetch(`${base}${target}`, { headers: { cookie } });
      expect(response.status, target).toBe(200);
      expect(response.headers.get('content-type'), target).toBe(type);
      expect(await response.text(), target).toContain(text);
    }
    const head = await fetch(`${base}/app.js`, { method: 'HEAD', headers: { cookie } });
    expect(head.status).toBe(200);
    expect(head.headers.get('content-length')).toBe('19');
    expect(await head.text()).toBe('');
  });

  it('never hands out anything outside the folder', async () => {
    const { address } = await startServe();
    const cookie = await signIn(address.url);
    const headers = { cookie, host: `127.0.0.1:${address.port}` };
    const attempts = [
      '/../package.json',
      '/nested/../../package.json',
      '/%2e%2e/package.json',
      '/%2E%2E/package.json',
      '/%2e%2e%2fpackage.json',
      '/nested/..%2f..%2fpackage.json',
      '/..%5cpackage.json',
      '/nested/%2e%2e/%2e%2e/private/secret.txt',
      '/leak.txt',
      '/escape/secret.txt',
      '/.env',
      '/%2eenv',
      '//etc/passwd',
      '/%2Fetc%2Fpasswd',
      '/app.js%00.txt',
      '/%E0%A4%A',
      '/nested',
      '/nested/',
      '/missing.html',
    ];
    for (const target of attempts) {
      const response = await rawRequest(address.port, target, headers);
      expect(response.status, target).toBe(404);
      expect(response.body, target).not.toContain(SECRET);
      expect(response.body, target).not.toContain('root:');
    }
    const absolute = await rawRequest(address.port, `http://evil.example/../package.json`, headers);
    expect(absolute.status).toBe(400);
    expect(absolute.body).not.toContain(SECRET);
  });

  it('answers GET and HEAD only', async () => {
    const { address, base } = await startServe();
    const cookie = await signIn(address.url);
    const response = await fetch(`${base}/`, { method: 'POST', headers: { cookie }, body: 'x' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });
});

describe('serve: the first screen of runs', () => {
  const PRELOAD = '</api/first-screen>; rel=preload; as=fetch; crossorigin';

  it('has the page preload it, and answers it as the snapshot request would', async () => {
    const { address, base, endpoint } = await startServe();
    endpoint.snapshot = {
      seq: 12,
      at: '2026-01-01T00:00:00.000Z',
      transport: 'serve',
      sources: [],
      runs: [],
      attention: [],
      alerts: {},
      notifications_paused_until: null,
    };
    const cookie = await signIn(address.url);
    for (const target of ['/', '/index.html']) {
      const page = await fetch(`${base}${target}`, { headers: { cookie } });
      expect(page.headers.get('link'), target).toBe(PRELOAD);
    }
    const script = await fetch(`${base}/app.js`, { headers: { cookie } });
    expect(script.headers.get('link')).toBeNull();

    const response = await fetch(`${base}/api/first-screen`, { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ ok: true, result: endpoint.snapshot });
    expect(endpoint.requests).toEqual([{ name: 'snapshot', params: { first: 150 } }]);
  });

  it('says why when there is none, and gives nothing to a browser not signed in', async () => {
    const { address, base, endpoint } = await startServe();
    const stranger = await fetch(`${base}/api/first-screen`);
    expect(stranger.status).toBe(401);
    expect(await stranger.text()).not.toContain('"ok"');
    expect(endpoint.requests).toEqual([]);

    const cookie = await signIn(address.url);
    const response = await fetch(`${base}/api/first-screen`, { headers: { cookie } });
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'no runs read yet' },
    });
  });
});

describe('serve: downloads', () => {
  it('streams a registered file as an attachment', async () => {
    const { address, base, downloads, dir } = await startServe();
    const cookie = await signIn(address.url);
    const zip = path.join(dir, 'archive', 'etl-0001.zip');
    fs.mkdirSync(path.dirname(zip));
    const bytes = randomBytes(3 * 1024 * 1024 + 17);
    fs.writeFileSync(zip, bytes);

    const url = downloads.register(zip);
    expect(url).toMatch(/^\/download\/[A-Za-z0-9_-]{22}\/etl-0001\.zip$/);
    expect(downloads.register(zip)).toBe(url);

    const response = await fetch(`${base}${url}`, { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/zip');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="etl-0001.zip"; filename*=UTF-8''etl-0001.zip`,
    );
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes)).toBe(true);
  });

  it('names a file with any characters exactly, and plainly for old browsers', async () => {
    const { address, base, downloads, dir } = await startServe();
    const cookie = await signIn(address.url);
    const report = path.join(dir, 'étl "nightly" 100%_summary.json');
    fs.writeFileSync(report, '{"outcome":"failed"}');
    const url = downloads.register(report);
    const response = await fetch(`${base}${url}`, { headers: { cookie } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('content-disposition')).toBe(
      `attachment; filename="_tl _nightly_ 100__summary.json"; ` +
        `filename*=UTF-8''%C3%A9tl%20%22nightly%22%20100%25_summary.json`,
    );
    expect(await response.text()).toBe('{"outcome":"failed"}');
  });

  it('serves only what was registered, and nothing once it is gone', async () => {
    const { address, base, dir, downloads } = await startServe();
    const cookie = await signIn(address.url);
    const zip = path.join(dir, 'run.zip');
    fs.writeFileSync(zip, 'zip bytes');
    const url = downloads.register(zip);
    expect((await fetch(`${base}${url}`, { headers: { cookie } })).status).toBe(200);
    const id = url.split('/')[2] ?? '';
    for (const target of [
      `/download/${'A'.repeat(22)}/run.zip`,
      `/download/${id}/other.zip`,
      `/download/${id}/../package.json`,
      `/download/${id}`,
      `/download/${id}/run.zip/more`,
    ]) {
      const response = await rawRequest(address.port, target, {
        cookie,
        host: `127.0.0.1:${address.port}`,
      });
      expect(response.status, target).toBe(404);
      expect(response.body).not.toContain('zip bytes');
    }
    expect(() => downloads.register('relative/run.zip')).toThrow('absolute');

    fs.rmSync(zip);
    expect((await fetch(`${base}${url}`, { headers: { cookie } })).status).toBe(404);
  });

  it('does not follow a symlink put where a registered file was', async () => {
    const { address, base, downloads, dir } = await startServe();
    const cookie = await signIn(address.url);
    const zip = path.join(dir, 'run.zip');
    fs.writeFileSync(zip, 'zip bytes');
    const url = downloads.register(zip);
    fs.rmSync(zip);
    fs.symlinkSync(path.join(dir, 'private', 'secret.txt'), zip);
    const response = await fetch(`${base}${url}`, { headers: { cookie } });
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain(SECRET);
  });
});
