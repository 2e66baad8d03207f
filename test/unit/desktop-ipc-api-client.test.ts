import { describe, expect, it } from 'vitest';
import { REQUESTS, type PushMessage } from '../../shared/api.ts';
import { ApiRequestError, REQUEST_NAMES } from '../../shared/api-client.ts';
import { ipcApiClient, type IpcLink } from '../../electron/core/desktop/ipc-api-client.ts';

/** The main side as the preload reaches it: replies by request name, pushes on demand. */
function link(replies: Record<string, unknown> = {}) {
  const sent: unknown[] = [];
  let push: (message: PushMessage) => void = () => {
    throw new Error('no push listener');
  };
  const ipc: IpcLink = {
    invoke(request) {
      sent.push(request);
      return Promise.resolve(replies[request.name]);
    },
    onPush(listener) {
      push = listener;
    },
  };
  return { ipc, sent, push: (message: PushMessage) => push(message) };
}

const navigate: PushMessage = { type: 'navigate', source: 'etl', run_id: 'run-7' };
const patch: PushMessage = { type: 'patch', patch: { seq: 1, at: '2026-11-25T16:00:00.000Z' } };

describe('the RunwatchApi of the preload', () => {
  it('offers every request of the contract, and nothing that is not one', () => {
    expect([...REQUEST_NAMES].sort()).toEqual(Object.keys(REQUESTS).sort());
    const api = ipcApiClient(link().ipc);
    expect(Object.keys(api).sort()).toEqual([...Object.keys(REQUESTS), 'subscribe'].sort());
  });

  it('sends { name, params } and resolves with the result', async () => {
    const { ipc, sent } = link({ acknowledge: { ok: true, result: { acknowledged: 3 } } });
    const api = ipcApiClient(ipc);
    await expect(api.acknowledge({ target: { all: true } })).resolves.toEqual({ acknowledged: 3 });
    expect(sent).toEqual([{ name: 'acknowledge', params: { target: { all: true } } }]);
  });

  it("rejects with the main side's message and code when a request fails", async () => {
    const { ipc } = link({
      runDetail: { ok: false, error: { code: 'not_found', message: 'no source named "x"' } },
    });
    const failure = await ipcApiClient(ipc)
      .runDetail({ source: 'x', run_id: 'r' })
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ApiRequestError);
    expect(failure).toMatchObject({ code: 'not_found', message: 'no source named "x"' });
  });

  it('rejects rather than resolving with something that is not a reply', async () => {
    await expect(ipcApiClient(link({ snapshot: undefined }).ipc).snapshot({})).rejects.toThrow(
      /no reply/,
    );
  });

  it('hands pushes to every subscriber until it unsubscribes', () => {
    const { ipc, push } = link();
    const api = ipcApiClient(ipc);
    const first: PushMessage[] = [];
    const second: PushMessage[] = [];
    const stopFirst = api.subscribe((message) => first.push(message));
    api.subscribe((message) => second.push(message));
    push(patch);
    stopFirst();
    push(patch);
    expect(first).toEqual([patch]);
    expect(second).toEqual([patch, patch]);
  });

  it('keeps a navigate that came before the page subscribed for its first subscriber only', () => {
    const { ipc, push } = link();
    const api = ipcApiClient(ipc);
    push(patch);
    push({ ...navigate, run_id: 'run-6' });
    push(navigate);
    const first: PushMessage[] = [];
    const later: PushMessage[] = [];
    api.subscribe((message) => first.push(message));
    api.subscribe((message) => later.push(message));
    // The page asks for a snapshot itself: a patch from before it subscribed is of no use.
    expect(first).toEqual([navigate]);
    expect(later).toEqual([]);
  });
});
