/**
 * The browser's `RunwatchApi` (renderer/src/api/socket-api-client.ts) against a real
 * `runwatch serve` transport: requests and their errors, a reader that falls behind and a
 * server that restarts, each ending with the UI's snapshot current again.
 */
import { onTestFinished, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ApiReply, Patch, PushMessage, RequestName, Snapshot } from '../../shared/api.ts';
import { ApiRequestError } from '../../shared/api-client.ts';
import type { ActiveRunStatus } from '../../shared/run-status.ts';
import type { ApiEndpoint } from '../../electron/core/api/api-endpoint.ts';
import { MAX_BUFFERED_BYTES } from '../../electron/core/serve/api-connection.ts';
import { socketApiClient, type Connection } from '../../renderer/src/api/socket-api-client.ts';
import { SnapshotSync } from '../../renderer/src/state/snapshot-sync.ts';
import { activeRun } from '../support/active-run.ts';
import { signIn, startServe } from '../support/serve-harness.ts';
import { waitFor } from '../support/wait.ts';

/** A run `stepsDone` steps in; `note` pads its current step's name to make a patch bulky. */
function run(runId: string, stepsDone: number, note = ''): ActiveRunStatus {
  return activeRun(runId, {
    steps_done: stepsDone,
    steps_total: 100,
    current_step: `step-${stepsDone}${note}`,
  });
}

/** A core that numbers its patches and answers `snapshot` with the runs as they stand. */
class CountingEndpoint implements ApiEndpoint {
  seq = 0;
  runs = new Map<string, ActiveRunStatus>();
  snapshots = 0;
  private readonly listeners = new Set<(message: PushMessage) => void>();

  async handle(request: unknown): Promise<ApiReply<RequestName>> {
    const { name } = request as { name: string };
    if (name === 'snapshot') {
      this.snapshots += 1;
      return { ok: true, result: this.snapshot() };
    }
    if (name === 'acknowledge') return { ok: true, result: { acknowledged: 2 } };
    return { ok: false, error: { code: 'not_found', message: `no such thing as ${name}` } };
  }

  subscribe(listener: (message: PushMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** One run moves on; every connected browser is told with the next patch. */
  advance(next: ActiveRunStatus): void {
    this.runs.set(next.run_id, next);
    const patch: Patch = {
      seq: ++this.seq,
      at: new Date().toISOString(),
      runs: { upsert: [next], remove: [] },
    };
    for (const listener of this.listeners) listener({ type: 'patch', patch });
  }

  snapshot(): Snapshot {
    return {
      seq: this.seq,
      at: new Date().toISOString(),
      transport: 'serve',
      sources: [],
      runs: [...this.runs.values()],
      attention: [],
      alerts: {},
      notifications_paused_until: null,
    };
  }
}

async function serveWith(endpoint: CountingEndpoint, port = 0) {
  const served = await startServe({ endpoint, port });
  const signedIn = { cookie: await signIn(served.address.url) };
  const sockets: WebSocket[] = [];
  const client = socketApiClient({
    url: `ws://127.0.0.1:${served.address.port}/api`,
    open: (url) => {
      const socket = new WebSocket(url, {
        headers: { cookie: signedIn.cookie },
        origin: `http://127.0.0.1:${served.address.port}`,
      });
      sockets.push(socket);
      return socket;
    },
    firstRetryMs: 50,
    maxRetryMs: 200,
  });
  onTestFinished(() => client.close());
  const connections: Connection['state'][] = [];
  client.onConnection((connection) => connections.push(connection.state));
  return { ...served, client, sockets, connections, signedIn };
}

function synced(client: ReturnType<typeof socketApiClient>) {
  const states: Snapshot[] = [];
  const sync = new SnapshotSync(client, { state: (s) => states.push(s), error: () => {} });
  client.onConnection((connection) => {
    if (connection.state === 'open') void sync.resync();
  });
  sync.start();
  onTestFinished(() => sync.stop());
  return { sync, latest: () => states.at(-1) ?? null };
}

describe('the browser API client against serve', () => {
  it('answers requests made before the socket opened, and rejects with the API error', async () => {
    const endpoint = new CountingEndpoint();
    const { client } = await serveWith(endpoint);
    const early = client.acknowledge({ target: { all: true } });
    expect(await early).toEqual({ acknowledged: 2 });
    const failure = await client.runDetail({ source: 'orders', run_id: 'x' }).catch((e) => e);
    expect(failure).toBeInstanceOf(ApiRequestError);
    expect(failure).toMatchObject({ code: 'not_found', message: 'no such thing as runDetail' });
  });

  it('keeps the snapshot current from patches, each run object kept until it changes', async () => {
    const endpoint = new CountingEndpoint();
    endpoint.runs.set('a', run('a', 1));
    endpoint.runs.set('b', run('b', 1));
    const { client } = await serveWith(endpoint);
    const { sync, latest } = synced(client);
    await waitFor(() => latest()?.runs.length === 2 && endpoint.subscribers === 1, 'the snapshot');
    const untouched = latest()?.runs[1];
    endpoint.advance(run('a', 2));
    endpoint.advance(run('c', 1));
    await waitFor(() => latest()?.seq === 2, 'two patches');
    expect(latest()?.runs.map((r) => [r.run_id, r.steps_done])).toEqual([
      ['a', 2],
      ['b', 1],
      ['c', 1],
    ]);
    expect(latest()?.runs[1]).toBe(untouched);
    expect(sync.resyncs).toBe(0);
  });

  it('a reader that falls behind misses patches, then is brought current by a fresh snapshot', async () => {
    const endpoint = new CountingEndpoint();
    const { client, sockets } = await serveWith(endpoint);
    const { latest } = synced(client);
    await waitFor(() => latest() !== null && endpoint.subscribers === 1, 'the snapshot');
    const asked = endpoint.snapshots;
    let patchesRead = 0;
    client.subscribe((message) => {
      if (message.type === 'patch') patchesRead += 1;
    });

    // The browser stops reading (a frozen tab) while the runs move on by far more than the
    // server keeps for it.
    sockets[0]?.pause();
    const bulky = 'x'.repeat(64 * 1024);
    const patches = Math.ceil((MAX_BUFFERED_BYTES * 4) / bulky.length);
    for (let i = 0; i < patches; i++) endpoint.advance(run(`r${i % 50}`, i, bulky));
    sockets[0]?.resume();
    endpoint.advance(run('last', 1));

    await waitFor(
      () => latest()?.seq === endpoint.seq && latest()?.runs.length === endpoint.runs.size,
      'the snapshot current again',
    );
    expect(patchesRead).toBeLessThan(patches);
    expect(endpoint.snapshots).toBe(asked + 1);
    expect(latest()?.runs.find((r) => r.run_id === 'r7')).toEqual(endpoint.runs.get('r7'));
  });

  it('reconnects after the server restarts, and starts again from its snapshot', async () => {
    const endpoint = new CountingEndpoint();
    endpoint.advance(run('a', 1));
    endpoint.advance(run('a', 2));
    const { client, server, address, connections, signedIn } = await serveWith(endpoint);
    const { latest } = synced(client);
    await waitFor(() => latest()?.seq === 2, 'the first snapshot');

    await server.close();
    await waitFor(() => connections.includes('closed'), 'the loss seen');

    // The restarted core counts afresh: its snapshot, not the old sequence, is what holds. Its
    // token is new, so the user opens the URL it printed (a new cookie).
    const restarted = new CountingEndpoint();
    restarted.advance(run('z', 5));
    const again = await startServe({ endpoint: restarted, port: address.port });
    signedIn.cookie = await signIn(again.address.url);
    await waitFor(() => latest()?.runs[0]?.run_id === 'z', 'the new snapshot');
    expect(latest()).toMatchObject({ seq: 1, runs: [{ run_id: 'z', steps_done: 5 }] });
    restarted.advance(run('z', 6));
    await waitFor(() => latest()?.seq === 2, 'a patch of the new server');
    expect(latest()?.runs.map((r) => r.steps_done)).toEqual([6]);
  });
});
