// Server features that need their own configuration, on every variant: limits, persistence off,
// heartbeats, slow consumers, and no leaks after many connections.
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CloseCode, ErrorCode } from '../protocol/errors.js';
import { signToken } from '../protocol/token.js';
import { VARIANTS, type ServerConfig } from '../server/config.js';
import { ChatClient } from './helpers/chat-client.js';
import { metric, scrape } from './helpers/metrics.js';
import { SECRET, startTestServer, type TestServer } from './helpers/server.js';

const token = (sub: string) => signToken({ sub }, SECRET);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Stop or restart reading a client's socket (ws keeps it private): a slow consumer. */
function reading(c: ChatClient, on: boolean): void {
  const socket = (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  if (on) socket.resume();
  else socket.pause();
}

describe.each(VARIANTS)('%s variant features', (variant) => {
  let t: TestServer | undefined;
  const start = async (o: Partial<ServerConfig>) => (t = await startTestServer(variant, o));
  const user = async (name: string, opts?: WebSocket.ClientOptions) => {
    const c = new ChatClient(new WebSocket(`${t!.ws}?token=${token(name)}`, opts));
    await c.next('ready');
    return c;
  };
  /** A server with a 64 KiB outgoing queue bound, a sender and a member of `room` that has stopped reading. */
  const slowConsumerRoom = async (room: string, o: Partial<ServerConfig>) => {
    await start({ maxQueueBytes: 65_536, rate: 1_000_000, burst: 1_000_000, maxBodyBytes: 8192, ...o });
    const sender = await user(`${room}-fast`);
    const slow = await user(`${room}-slow`);
    await sender.join(room);
    await slow.join(room);
    reading(slow, false);
    return { sender, slow };
  };
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('limits rooms per connection and connections per IP', async () => {
    await start({ maxRoomsPerConn: 2, maxConnsPerIp: 2 });
    const a = await user('rooms');
    await a.join('one');
    await a.join('two');
    a.send({ type: 'join', room: 'three' });
    expect(await a.next('error')).toMatchObject({ code: ErrorCode.TOO_MANY_ROOMS });
    const b = await user('second');
    await expect(ChatClient.open(`${t!.ws}?token=${token('third')}`)).rejects.toThrow('HTTP 429');
    b.close();
    await b.closed;
    await sleep(50);
    const c = await user('third-again');
    c.close();
    a.close();
  });

  it('acks at once and keeps no history with --persist none; POST /login is off unless asked for', async () => {
    await start({ persist: 'none' });
    expect((await fetch(`${t!.http}/login`, { method: 'POST', body: '{"user":"x"}' })).status).toBe(404);
    const [a, b] = [await user('np-a'), await user('np-b')];
    await a.join('np');
    await b.join('np');
    a.send({ type: 'say', room: 'np', id: 1, body: 'x' });
    expect(await a.next('ack')).toMatchObject({ seq: 1 });
    expect(await b.next('msg')).toMatchObject({ seq: 1 });
    a.send({ type: 'history', room: 'np', limit: 10 });
    expect(await a.next('history')).toMatchObject({ messages: [] });
    a.close();
    b.close();
  });

  it('drops a connection that stops answering pings, keeps one that answers', async () => {
    await start({ pingIntervalMs: 100, pingTimeoutMs: 150 });
    const deaf = await user('deaf', { autoPong: false });
    const alive = await user('alive');
    const closed = await Promise.race([deaf.closed, sleep(3000).then(() => null)]);
    expect(closed?.code).toBe(1006);
    await sleep(300);
    await alive.join('still-here');
    alive.close();
  });

  it('disconnects a slow consumer with 4008 once its queue passes --max-queue-bytes', async () => {
    const { sender, slow } = await slowConsumerRoom('flood', {});
    const body = 'y'.repeat(8000);
    let disconnects = 0;
    for (let i = 0; i < 6000 && disconnects === 0; i++) {
      sender.send({ type: 'say', room: 'flood', id: i, body });
      if (i % 200 === 199) {
        await sleep(20);
        disconnects = metric(await scrape(t!.http), 'chatbench_slow_consumer_disconnects_total');
      }
    }
    // on a busy machine the server may still be working through the sends: give it time, not more load
    for (let waited = 0; disconnects === 0 && waited < 10_000; waited += 100) {
      await sleep(100);
      disconnects = metric(await scrape(t!.http), 'chatbench_slow_consumer_disconnects_total');
    }
    const m = await scrape(t!.http);
    expect(metric(m, 'chatbench_slow_consumer_disconnects_total')).toBe(1);
    expect(metric(m, 'chatbench_closes_total', 'code="4008"')).toBe(1);
    expect(metric(m, 'chatbench_queued_bytes')).toBeLessThan(65_536);
    reading(slow, true);
    expect((await slow.closed).code).toBe(CloseCode.SLOW_CONSUMER);
    await sender.join('flood'); // the sender is unaffected
    sender.close();
  });

  it('drops the oldest frames of a slow consumer under --slow-consumer drop-oldest', async () => {
    const { sender, slow } = await slowConsumerRoom('drop', { slowConsumer: 'drop-oldest' });
    const body = 'z'.repeat(8000);
    let dropped = 0;
    let sent = 0;
    while (sent < 6000 && dropped === 0) {
      for (let k = 0; k < 200; k++) sender.send({ type: 'say', room: 'drop', id: sent++, body });
      await sleep(20);
      dropped = metric(await scrape(t!.http), 'chatbench_dropped_frames_total');
    }
    expect(dropped).toBeGreaterThan(0);
    sender.send({ type: 'say', room: 'drop', id: 'last', body: 'last' });
    const lastAck = await sender.next('ack', 10_000);
    while (lastAck.id !== 'last') Object.assign(lastAck, await sender.next('ack', 10_000));
    reading(slow, true);
    // the newest message arrives; some older ones were dropped; the connection stays open
    let got: { type?: string; id?: unknown; seq?: unknown } = {};
    let received = 0;
    while (got.id !== 'last') {
      got = await slow.next('msg', 10_000);
      received++;
    }
    expect(got.seq).toBe(lastAck.seq);
    expect(received).toBeLessThan(sent + 1);
    expect(slow.ws.readyState).toBe(WebSocket.OPEN);
    slow.close();
    sender.close();
  });

  it('leaks no sessions, timers or sockets after 10,000 connect/disconnect cycles', async () => {
    await start({ authTimeoutMs: 10_000 });
    await sleep(100);
    const before = await scrape(t!.http);
    const cycle = async (i: number) => {
      const mode = i % 4;
      const url = mode === 0 ? t!.ws : `${t!.ws}?token=${token(`cyc${i % 50}`)}`;
      const ws = new WebSocket(url);
      ws.on('error', () => {});
      await new Promise<void>((resolve) => {
        ws.once('close', () => resolve());
        ws.once('open', () => {
          if (mode === 0) return ws.terminate(); // leaves while the auth timer runs
          if (mode === 1) return ws.close();
          ws.once('message', () => {
            ws.send(JSON.stringify({ type: 'join', room: `leak${i % 7}` }));
            ws.once('message', () => (mode === 2 ? ws.close() : ws.terminate()));
          });
        });
      });
    };
    const total = 10_000;
    let next = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (next < total) await cycle(next++);
      }),
    );
    let after = '';
    for (let i = 0; i < 50; i++) {
      await sleep(100);
      after = await scrape(t!.http);
      if (metric(after, 'chatbench_connections') === 0 && metric(after, 'chatbench_core_entries', 'map="memberships"') === 0) break;
    }
    expect(metric(after, 'chatbench_connections_total')).toBeGreaterThanOrEqual(total);
    expect(metric(after, 'chatbench_connections')).toBe(0);
    for (const map of ['sessions', 'users', 'ips', 'memberships']) expect(metric(after, 'chatbench_core_entries', `map="${map}"`), map).toBe(0);
    for (const type of ['Timeout', 'TCPSocketWrap']) {
      expect(metric(after, 'chatbench_active_resources', `type="${type}"`), type).toBeLessThanOrEqual(metric(before, 'chatbench_active_resources', `type="${type}"`));
    }
  }, 120_000);
});
