import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DownloadRegistry } from '../../electron/core/serve/download-registry.ts';
import { ServeServer } from '../../electron/core/serve/serve-server.ts';
import {
  FakeEndpoint,
  LogLines,
  makeSite,
  openSocket,
  rawRequest,
  signIn,
  startServe,
} from '../support/serve-harness.ts';

describe('serve: the printed URL and the session', () => {
  it('prints a URL whose token is exchanged for a cookie and leaves the address bar', async () => {
    const { address, base } = await startServe();
    expect(address.host).toBe('127.0.0.1');
    expect(address.url).toMatch(
      new RegExp(`^http://127\\.0\\.0\\.1:${address.port}/\\?token=[A-Za-z0-9_-]{43}$`),
    );
    const token = new URL(address.url).searchParams.get('token') ?? '';

    const exchange = await fetch(address.url, { redirect: 'manual' });
    expect(exchange.status).toBe(303);
    expect(exchange.headers.get('location')).toBe('/');
    const cookie = exchange.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/; SameSite=Strict/);
    expect(cookie).toMatch(/; Path=\//);
    const [name, value] = (cookie.split(';')[0] ?? '').split('=');
    expect(name).toBe(`runwatch_session_${address.port}`);
    expect(value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(value).not.toBe(token);

    const page = await fetch(`${base}/`, { headers: { cookie: `${name}=${value}` } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>UI</title>');
  });

  it('keeps the path and the rest of the query when it drops the token', async () => {
    const { address, base } = await startServe();
    const token = new URL(address.url).searchParams.get('token') ?? '';
    const exchange = await fetch(`${base}/nested/data.json?view=runs&token=${token}&x=1`, {
      redirect: 'manual',
    });
    expect(exchange.status).toBe(303);
    expect(exchange.headers.get('location')).toBe('/nested/data.json?view=runs&x=1');
  });

  it('never redirects to another host, whatever the path looks like', async () => {
    const { address } = await startServe();
    const token = new URL(address.url).searchParams.get('token') ?? '';
    const host = { host: `127.0.0.1:${address.port}` };
    for (const target of [`//evil.example/?token=${token}`, `/\\evil.example/?token=${token}`]) {
      const exchange = await rawRequest(address.port, target, host);
      expect(exchange.status).toBe(303);
      expect(exchange.headers.location).toBe('/');
    }
  });

  it('turns away a browser without a session from pages, downloads and the API', async () => {
    const { address, base, downloads, dir } = await startServe();
    const download = downloads.register(path.join(dir, 'package.json'));
    for (const target of ['/', '/app.js', '/nope', download]) {
      const response = await fetch(`${base}${target}`);
      expect(response.status, target).toBe(401);
      expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await response.text()).toContain('Open the URL that `runwatch serve` printed');
    }
    expect(await openSocket(address.port)).toBe(401);
  });

  it('turns away a made-up session, and a session of another serve process', async () => {
    const { address, base } = await startServe();
    const other = await startServe();
    const theirs = (await signIn(other.address.url)).split('=')[1];
    for (const value of ['made-up', theirs, '']) {
      const cookie = `runwatch_session_${address.port}=${value}`;
      expect((await fetch(`${base}/`, { headers: { cookie } })).status).toBe(401);
      expect(await openSocket(address.port, { cookie })).toBe(401);
    }
  });

  it('refuses a wrong token and sets no cookie', async () => {
    const { base } = await startServe();
    const other = await startServe();
    const theirs = new URL(other.address.url).searchParams.get('token') ?? '';
    for (const token of ['wrong', theirs, '']) {
      const response = await fetch(`${base}/?token=${token}`, { redirect: 'manual' });
      expect(response.status).toBe(401);
      expect(response.headers.get('set-cookie')).toBeNull();
      expect(await response.text()).toContain('runwatch serve');
    }
  });

  it('signs in several browsers, each with its own session', async () => {
    const { address, base } = await startServe();
    const first = await signIn(address.url);
    const second = await signIn(address.url);
    expect(first).not.toBe(second);
    for (const cookie of [first, second]) {
      expect((await fetch(`${base}/`, { headers: { cookie } })).status).toBe(200);
    }
  });
});

describe('serve: Host and Origin', () => {
  it('answers only to its own address and the loopback names, at its port', async () => {
    const { address } = await startServe();
    const cookie = await signIn(address.url);
    const port = address.port;
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `LOCALHOST:${port}`,
      `[::1]:${port}`,
    ]) {
      expect((await rawRequest(port, '/', { host, cookie })).status, host).toBe(200);
    }
    for (const host of [
      `evil.example:${port}`,
      `127.0.0.1:${port + 1}`,
      '127.0.0.1',
      `localhost.evil.example:${port}`,
      `evil.example@127.0.0.1:${port}`,
    ]) {
      const response = await rawRequest(port, '/', { host, cookie });
      expect(response.status, host).toBe(421);
      expect(response.body).not.toContain('<title>UI</title>');
    }
  });

  it('gives no session through a rebound name, even with the token', async () => {
    const { address } = await startServe();
    const token = new URL(address.url).searchParams.get('token') ?? '';
    const response = await rawRequest(address.port, `/?token=${token}`, {
      host: `evil.example:${address.port}`,
    });
    expect(response.status).toBe(421);
    expect(response.headers['set-cookie']).toBeUndefined();
  });

  it('opens the API socket only from its own page', async () => {
    const { address } = await startServe();
    const cookie = await signIn(address.url);
    const port = address.port;
    for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`]) {
      expect(typeof (await openSocket(port, { cookie, origin })), origin).toBe('object');
    }
    for (const origin of [
      'http://evil.example',
      `http://evil.example:${port}`,
      `https://127.0.0.1:${port}`,
      `http://127.0.0.1:${port + 1}`,
      'null',
      null,
    ]) {
      expect(await openSocket(port, { cookie, origin }), String(origin)).toBe(403);
    }
    expect(await openSocket(port, { cookie, host: `evil.example:${port}` })).toBe(421);
    expect(await openSocket(port, { cookie, path: '/elsewhere' })).toBe(404);
  });
});

describe('serve: headers, binding and start', () => {
  it('puts the security headers on every answer, the socket address in the CSP', async () => {
    const { address, base } = await startServe();
    const cookie = await signIn(address.url);
    const answers = [
      await fetch(`${base}/`, { headers: { cookie } }),
      await fetch(`${base}/app.js`, { headers: { cookie } }),
      await fetch(`${base}/missing.js`, { headers: { cookie } }),
      await fetch(`${base}/`),
      await fetch(address.url, { redirect: 'manual' }),
    ];
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 404, 401, 303]);
    for (const answer of answers) {
      const csp = answer.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${address.port}`);
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("img-src 'self' data:");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('referrer-policy')).toBe('no-referrer');
      expect(answer.headers.get('cache-control')).toBe('no-store');
    }
    // The build's assets are named by their content: kept, so a page loaded again reuses them.
    const asset = await fetch(`${base}/assets/view-3f9a1c.js`, { headers: { cookie } });
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('private, max-age=31536000, immutable');
    expect(asset.headers.get('content-security-policy')).toContain("script-src 'self'");
    const viaLocalhost = await rawRequest(address.port, '/', {
      host: `localhost:${address.port}`,
      cookie,
    });
    expect(viaLocalhost.headers['content-security-policy']).toContain(
      `connect-src 'self' ws://localhost:${address.port};`,
    );
  });

  it('says nothing on loopback, and warns when it listens on the network', async () => {
    const loopback = await startServe();
    expect(loopback.log.at('warn')).toEqual([]);

    const everywhere = await startServe({ host: '0.0.0.0' });
    const [warning] = everywhere.log.at('warn');
    expect(warning).toContain('other machines can reach this server');
    expect(warning).toContain(String(everywhere.address.port));
    expect(everywhere.address.host).toBe('0.0.0.0');
    expect(everywhere.address.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=/);
    const cookie = await signIn(everywhere.address.url);
    expect((await fetch(`${everywhere.base}/`, { headers: { cookie } })).status).toBe(200);
    const rebound = await rawRequest(everywhere.address.port, '/', {
      host: `evil.example:${everywhere.address.port}`,
      cookie,
    });
    expect(rebound.status).toBe(421);
  });

  it('fails to start on a port in use, naming it', async () => {
    const blocker = net.createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as net.AddressInfo).port;
    const { root } = makeSite();
    const server = new ServeServer({
      endpoint: new FakeEndpoint(),
      root,
      downloads: new DownloadRegistry(),
      port,
      log: new LogLines(),
    });
    await expect(server.start()).rejects.toThrow(`127.0.0.1:${port}: the port is in use`);
    await new Promise((resolve) => blocker.close(resolve));
  });

  it('fails to start without its UI folder, naming it', async () => {
    const { dir } = makeSite();
    const missing = path.join(dir, 'no-ui');
    const server = new ServeServer({
      endpoint: new FakeEndpoint(),
      root: missing,
      downloads: new DownloadRegistry(),
      port: 0,
    });
    await expect(server.start()).rejects.toThrow(missing);
  });
});
