import { describe, expect, it } from 'vitest';
import {
  checkRequest,
  type ApiReply,
  type PushMessage,
  type RequestName,
} from '../../shared/api.ts';
import { IpcTransport } from '../../electron/app/ipc-transport.ts';
import type { ApiEndpoint } from '../../electron/core/api/api-endpoint.ts';
import { DASHBOARD_URL } from '../../electron/core/desktop/app-url.ts';
import { PUSH_CHANNEL, REQUEST_CHANNEL } from '../../electron/core/desktop/ipc-channels.ts';
import { silentLogger } from '../../electron/core/log.ts';
import { FakeIpcMain, FakeWebContents } from '../support/fake-electron.ts';

/** An endpoint that checks requests as the real one does and answers `acknowledge`. */
class FakeEndpoint implements ApiEndpoint {
  readonly handled: unknown[] = [];
  readonly listeners = new Set<(message: PushMessage) => void>();
  fail: Error | null = null;

  handle(request: unknown): Promise<ApiReply<RequestName>> {
    this.handled.push(request);
    if (this.fail) return Promise.reject(this.fail);
    const checked = checkRequest(request);
    if (!checked.ok) return Promise.resolve({ ok: false, error: checked.error });
    return Promise.resolve({ ok: true, result: { acknowledged: 2 } });
  }

  subscribe(listener: (message: PushMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  push(message: PushMessage): void {
    for (const listener of this.listeners) listener(message);
  }
}

function setUp() {
  const ipcMain = new FakeIpcMain();
  const endpoint = new FakeEndpoint();
  const transport = new IpcTransport({ ipcMain, endpoint, log: silentLogger });
  transport.start();
  return { ipcMain, endpoint, transport };
}

const acknowledge = { name: 'acknowledge', params: { target: { all: true } } };
const patch: PushMessage = { type: 'patch', patch: { seq: 4, at: '2026-11-25T16:00:00.000Z' } };

describe('IpcTransport requests', () => {
  it("answers a request from the app's own page", async () => {
    const { ipcMain, endpoint } = setUp();
    const reply = await ipcMain.invoke(REQUEST_CHANNEL, DASHBOARD_URL, acknowledge);
    expect(reply).toEqual({ ok: true, result: { acknowledged: 2 } });
    expect(endpoint.handled).toEqual([acknowledge]);
  });

  it('refuses a request from any other frame, without running it', async () => {
    const { ipcMain, endpoint } = setUp();
    for (const sender of [
      'https://evil.example/',
      'file:///home/me/dist/renderer/index.html',
      'app://elsewhere/index.html',
      null,
    ]) {
      const reply = (await ipcMain.invoke(
        REQUEST_CHANNEL,
        sender,
        acknowledge,
      )) as ApiReply<'acknowledge'>;
      expect(reply.ok, String(sender)).toBe(false);
      expect(!reply.ok && reply.error.code).toBe('unavailable');
    }
    expect(endpoint.handled).toEqual([]);
  });

  it('gives a bad request an error reply, and a failing endpoint too: never a throw', async () => {
    const { ipcMain, endpoint } = setUp();
    for (const bad of [undefined, 'snapshot', { name: 'dropTables' }, { name: 'acknowledge' }]) {
      const reply = (await ipcMain.invoke(
        REQUEST_CHANNEL,
        DASHBOARD_URL,
        bad,
      )) as ApiReply<'acknowledge'>;
      expect(reply.ok, JSON.stringify(bad)).toBe(false);
      expect(!reply.ok && reply.error.code).toBe('invalid');
    }
    endpoint.fail = new Error('state.db is locked');
    await expect(ipcMain.invoke(REQUEST_CHANNEL, DASHBOARD_URL, acknowledge)).resolves.toEqual({
      ok: false,
      error: { code: 'failed', message: 'state.db is locked' },
    });
  });

  it('stops answering once stopped', async () => {
    const { ipcMain, transport } = setUp();
    transport.stop();
    await expect(ipcMain.invoke(REQUEST_CHANNEL, DASHBOARD_URL, acknowledge)).rejects.toThrow(
      /No handler/,
    );
  });
});

describe('IpcTransport pushes', () => {
  it("sends every push to each of the app's windows on one channel", () => {
    const { endpoint, transport } = setUp();
    const dashboard = new FakeWebContents();
    const settings = new FakeWebContents();
    dashboard.finishLoad(DASHBOARD_URL);
    settings.finishLoad(`${DASHBOARD_URL}#/settings`);
    transport.attach(dashboard);
    transport.attach(settings);
    endpoint.push(patch);
    expect(dashboard.sent).toEqual([{ channel: PUSH_CHANNEL, message: patch }]);
    expect(settings.sent).toEqual([{ channel: PUSH_CHANNEL, message: patch }]);
  });

  it('unsubscribes a window when it closes', () => {
    const { endpoint, transport } = setUp();
    const window = new FakeWebContents();
    window.finishLoad(DASHBOARD_URL);
    transport.attach(window);
    expect(endpoint.listeners.size).toBe(1);
    window.destroy();
    expect(endpoint.listeners.size).toBe(0);
    endpoint.push(patch);
    expect(window.sent).toEqual([]);
  });

  it('sends nothing to a window showing something other than the app', () => {
    const { endpoint, transport } = setUp();
    const window = new FakeWebContents();
    window.finishLoad('https://evil.example/');
    transport.attach(window);
    endpoint.push(patch);
    transport.send(window, { type: 'navigate', source: 'etl', run_id: 'r' });
    expect(window.sent).toEqual([]);
  });

  it('unsubscribes every window when stopped', () => {
    const { endpoint, transport } = setUp();
    const window = new FakeWebContents();
    transport.attach(window);
    transport.stop();
    expect(endpoint.listeners.size).toBe(0);
  });
});
