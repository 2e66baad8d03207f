import { afterEach, describe, expect, it } from 'vitest';
import type { RunFiles } from '../../electron/core/api/api-options.ts';
import { ApiService } from '../../electron/core/api/api-service.ts';
import { silentLogger } from '../../electron/core/log.ts';
import { systemClock } from '../../electron/core/time/clock.ts';
import { FakeDesktop } from '../support/alert-harness.ts';

const services: ApiService[] = [];
afterEach(() => {
  for (const service of services.splice(0)) service.close();
});

function api(files: RunFiles): ApiService {
  const service = new ApiService({
    sources: [],
    transport: files.chooseDatabase ? 'ipc' : 'serve',
    files,
    channels: { desktop: new FakeDesktop() },
    clock: systemClock,
    log: silentLogger,
  });
  services.push(service);
  return service;
}

const showFile = () => Promise.resolve({ shown: true as const });

describe('chooseDatabase', () => {
  it("answers with the desktop dialog's choice, null when it was cancelled", async () => {
    const choices = ['/srv/orders.db', null];
    const service = api({
      openFolder: null,
      showFile,
      chooseDatabase: () => Promise.resolve(choices.shift() ?? null),
    });
    const request = { name: 'chooseDatabase', params: {} };
    expect(await service.handle(request)).toEqual({ ok: true, result: { path: '/srv/orders.db' } });
    expect(await service.handle(request)).toEqual({ ok: true, result: { path: null } });
  });

  it('says plainly where there is no dialog to open (serve)', async () => {
    const service = api({ openFolder: null, showFile });
    expect(await service.handle({ name: 'chooseDatabase', params: {} })).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'a file dialog opens only in the desktop app' },
    });
  });
});
