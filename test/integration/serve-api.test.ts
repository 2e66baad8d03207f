import { describe, expect, it } from 'vitest';
import type { PushMessage } from '../../shared/api.ts';
import { connect, signIn, startServe, type ApiClient } from '../support/serve-harness.ts';
import { sleep, waitFor } from '../support/wait.ts';

const ack = { name: 'acknowledge', params: { target: { all: true } } };

function patch(seq: number): PushMessage {
  return { type: 'patch', patch: { seq, at: '2026-01-01T00:00:00.000Z' } };
}

function invalidReply(client: ApiClient, id: number | null) {
  return client.replyTo(id).then((reply) => {
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid' } });
    return reply as { error: { message: string } };
  });
}

describe('serve: the /api socket', () => {
  it('carries a request to the endpoint and its reply back under its id', async () => {
    const { address, endpoint } = await startServe();
    const client = await connect(address.port, { cookie: await signIn(address.url) });
    expect(await client.request(7, ack)).toEqual({ ok: true, result: { acknowledged: 3 } });
    expect(endpoint.requests).toEqual([ack]);
    expect(await client.request(8, { name: 'snapshot', params: { extra: 1 } })).toMatchObject({
      ok: false,
      error: { code: 'invalid', message: expect.stringContaining('snapshot') },
    });
  });

  it('matches replies to requests by id when a slow one is overtaken', async () => {
    const { address } = await startServe();
    const client = await connect(address.port, { cookie: await signIn(address.url) });
    client.socket.send(JSON.stringify({ id: 1, request: { name: 'listSilences' } }));
    client.socket.send(JSON.stringify({ id: 2, request: ack }));
    await client.replyTo(1);
    expect(client.received.map((message) => message.id)).toEqual([2, 1]);
    expect(client.received[1]).toEqual({ id: 1, reply: { ok: true, result: [] } });
  });

  it('answers garbage with an error and keeps the socket, the server and the others', async () => {
    const { address, endpoint } = await startServe();
    const cookie = await signIn(address.url);
    const client = await connect(address.port, { cookie });
    const bystander = await connect(address.port, { cookie });

    for (const garbage of ['not json', '[1,2]', '"text"', 'null', '{"request":{}}', '{"id":"1"}']) {
      client.socket.send(garbage);
      await invalidReply(client, null);
      client.received.length = 0;
    }
    client.socket.send(Buffer.from([1, 2, 3]), { binary: true });
    expect((await invalidReply(client, null)).error.message).toContain('binary');
    client.socket.send('{"id":5}');
    expect((await invalidReply(client, 5)).error.message).toContain('request');

    expect(endpoint.requests).toEqual([]);
    expect(await client.request(6, ack)).toMatchObject({ ok: true });
    expect(await bystander.request(1, ack)).toMatchObject({ ok: true });
  });

  it('answers an endpoint that throws with a failure and nothing of the error', async () => {
    const { address, log } = await startServe();
    const client = await connect(address.port, { cookie: await signIn(address.url) });
    const reply = await client.request(1, {
      name: 'removeSilence',
      params: { source: 's', id: 1 },
    });
    expect(reply).toEqual({ ok: false, error: { code: 'failed', message: 'the request failed' } });
    expect(log.at('error').join('\n')).toContain('the store is gone');
    expect(await client.request(2, ack)).toMatchObject({ ok: true });
  });

  it('closes a socket that sends an oversized message, and only that one', async () => {
    const { address, endpoint } = await startServe();
    const cookie = await signIn(address.url);
    const client = await connect(address.port, { cookie });
    const bystander = await connect(address.port, { cookie });
    client.socket.send(JSON.stringify({ id: 1, request: { name: 'x'.repeat(1_100_000) } }));
    expect((await client.closed).code).toBe(1009);
    expect(endpoint.requests).toEqual([]);
    expect(await bystander.request(1, ack)).toMatchObject({ ok: true });
    const newcomer = await connect(address.port, { cookie });
    expect(await newcomer.request(1, ack)).toMatchObject({ ok: true });
  });

  it('pushes to every connected browser, and no more to one that left', async () => {
    const { address, endpoint } = await startServe();
    const cookie = await signIn(address.url);
    const first = await connect(address.port, { cookie });
    const second = await connect(address.port, { cookie });
    await waitFor(() => endpoint.subscribers === 2, 'both subscribed');

    endpoint.push(patch(1));
    endpoint.push(patch(2));
    await waitFor(() => first.pushes.length === 2 && second.pushes.length === 2, 'two pushes');
    expect(first.pushes).toEqual([patch(1), patch(2)]);
    expect(second.pushes).toEqual([patch(1), patch(2)]);

    first.socket.close();
    await first.closed;
    await waitFor(() => endpoint.subscribers === 1, 'the first unsubscribed');
    endpoint.push(patch(3));
    await waitFor(() => second.pushes.length === 3, 'the third push');
    expect(first.pushes).toHaveLength(2);
  });

  it('drops a socket that stops answering pings, and keeps one that answers', async () => {
    const { address, endpoint } = await startServe({ pingIntervalMs: 100 });
    const cookie = await signIn(address.url);
    const silent = await connect(address.port, { cookie, autoPong: false });
    const alive = await connect(address.port, { cookie });
    const dropped = await Promise.race([silent.closed, sleep(5_000).then(() => null)]);
    expect(dropped?.code).toBe(1006);
    await waitFor(() => endpoint.subscribers === 1, 'the silent socket unsubscribed');
    await sleep(300);
    expect(alive.socket.readyState).toBe(alive.socket.OPEN);
    expect(await alive.request(1, ack)).toMatchObject({ ok: true });
  });

  it('says goodbye to every browser on close, and unsubscribes them all', async () => {
    const { address, endpoint, server, base } = await startServe();
    const cookie = await signIn(address.url);
    const clients = [
      await connect(address.port, { cookie }),
      await connect(address.port, { cookie }),
    ];
    await waitFor(() => endpoint.subscribers === 2, 'both subscribed');
    await server.close();
    for (const client of clients) {
      expect(await client.closed).toEqual({ code: 1001, reason: 'runwatch serve is stopping' });
    }
    expect(endpoint.subscribers).toBe(0);
    await expect(fetch(`${base}/`, { headers: { cookie } })).rejects.toThrow();
  });
});
