// The workers variant's own promise: rooms span threads and still behave as one room.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../protocol/token.js';
import { ChatClient } from './helpers/chat-client.js';
import { metric, scrape } from './helpers/metrics.js';
import { SECRET, startTestServer, type TestServer } from './helpers/server.js';

describe('workers variant across threads', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer('workers', { threads: 2 });
  });
  afterAll(() => t.close());

  it('fans out across threads in seq order, with acks for senders on non-owner threads', async () => {
    // connect until both threads hold members of the room (the shared accept socket decides)
    const clients: ChatClient[] = [];
    const threads = new Set<string>();
    for (let i = 0; i < 80 && (threads.size < 2 || clients.length < 6); i++) {
      const c = await ChatClient.open(`${t.ws}?token=${signToken({ sub: `w${i}` }, SECRET)}`);
      const ready = await c.next('ready');
      threads.add(String(ready.conn).split('-')[0]!);
      clients.push(c);
    }
    expect(threads).toEqual(new Set(['t0', 't1']));
    for (const c of clients) await c.join('span');
    expect((await clients.at(-1)!.join('span')).members).toBe(clients.length);
    const per = 5;
    for (const [i, c] of clients.entries()) for (let k = 0; k < per; k++) c.send({ type: 'say', room: 'span', id: i * 100 + k, body: `${i}:${k}` });
    const total = clients.length * per;
    for (const c of clients) {
      const acks = await Promise.all(Array.from({ length: per }, () => c.next('ack', 5000)));
      const seqs: number[] = [];
      for (let k = 0; k < total - per; k++) seqs.push((await c.next('msg', 5000)).seq as number);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set([...seqs, ...acks.map((a) => a.seq as number)]).size).toBe(total);
    }
    const m = await scrape(t.http);
    expect(metric(m, 'chatbench_thread_connections', 'thread="0"')).toBeGreaterThan(0);
    expect(metric(m, 'chatbench_thread_connections', 'thread="1"')).toBeGreaterThan(0);
    expect(metric(m, 'chatbench_deliveries_total')).toBeGreaterThanOrEqual(total * (clients.length - 1));
    for (const c of clients) c.close();
  });
});
