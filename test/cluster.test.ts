// The reference server as a cluster on a real Redis (docs/cluster.md): a room spread over nodes
// gets every message once and in order, a node killed with -9 loses no acked message, and a Redis
// restart (AOF on) is a reported gap that the run survives.
import { afterEach, describe, expect, it } from 'vitest';
import { ErrorCode } from '../protocol/errors.js';
import { signToken } from '../protocol/token.js';
import { Redis } from 'ioredis';
import { startRedis, type RedisProcess } from '../loadgen/coordinator/redis-process.js';
import { keys, PUBLISH_LUA } from '../server/bus/redis-keys.js';
import { ChatClient, type Frame } from './helpers/chat-client.js';
import { runCli } from './helpers/cli.js';
import { metric, scrape } from './helpers/metrics.js';
import { serve, PROCESS_SECRET, type Serve } from './helpers/serve-process.js';
import { SECRET, startTestCluster } from './helpers/server.js';

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => {});
});

async function member(url: string, name: string, room: string, secret = SECRET): Promise<ChatClient> {
  const c = await ChatClient.open(url);
  await c.auth(signToken({ sub: name }, secret));
  await c.join(room);
  return c;
}

const msgs = (c: ChatClient): Frame[] => c.frames.filter((f) => f.type === 'msg');

/** Wait until check() holds, polling every 20 ms (or fail after timeoutMs). */
async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.each(['coroutine', 'callback', 'workers'] as const)('a room across 2 nodes (%s)', (variant) => {
  it('delivers every message to every other member once, in seq order, with senders on both nodes', async () => {
    const t = await startTestCluster(variant, { persist: 'none', rate: 1000, burst: 1000 });
    cleanups.push(() => t.close());
    const clients: ChatClient[] = [];
    for (let i = 0; i < 6; i++) clients.push(await member(t.ws, `u${i}`, 'span')); // alternating nodes
    const perSender = 40;
    for (let k = 0; k < perSender; k++) for (const [i, c] of clients.entries()) c.send({ type: 'say', room: 'span', id: `${i}-${k}`, body: 'x' });
    const total = perSender * clients.length;
    await until(() => clients.every((c) => msgs(c).length >= total - perSender && c.frames.filter((f) => f.type === 'ack').length === perSender), 10_000, 'every delivery and ack');
    const acked = clients.flatMap((c) => c.frames.filter((f) => f.type === 'ack').map((f) => f.seq as number));
    expect([...acked].sort((a, b) => a - b)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    for (const [i, c] of clients.entries()) {
      const seqs = msgs(c).map((m) => m.seq as number);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b)); // in order
      expect(new Set(seqs).size).toBe(total - perSender); // once each, none of its own
      expect(msgs(c).some((m) => m.from === `u${i}`)).toBe(false);
    }
    const late = await member(t.ws, 'late', 'span');
    late.send({ type: 'history', room: 'span', limit: 5 });
    expect(((await late.next('history')).messages as Frame[]).map((m) => m.seq)).toEqual([total - 4, total - 3, total - 2, total - 1, total]);
    const [n0, n1] = [await scrape(t.nodes[0]!.http), await scrape(t.nodes[1]!.http)];
    for (const m of [n0, n1]) expect(metric(m, 'chatbench_bus_received_total', 'origin="remote"')).toBeGreaterThan(0);
  });
});

async function processNode(redis: RedisProcess, id: string): Promise<Serve & { ws: string }> {
  const s = await serve(['--bus', redis.url, '--node-id', id, '--persist', 'none', '--rate', '1000', '--burst', '1000', '--log-level', 'warn']);
  cleanups.push(async () => {
    s.child.kill('SIGKILL');
    await s.exited;
  });
  return { ...s, ws: `ws://127.0.0.1:${s.port}/` };
}

describe('serve --bus', () => {
  it('an unreachable Redis is a clear message and exit 1, a bad URL exit 2', async () => {
    const down = await runCli(['serve', '--port', '0', '--bus', 'redis://127.0.0.1:1'], { timeoutMs: 20_000 });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('--bus redis://127.0.0.1:1: cannot reach Redis (connect ECONNREFUSED');
    expect(down.stderr).not.toContain('Unhandled error event');
    const bad = await runCli(['serve', '--port', '0', '--bus', 'http://x'], { timeoutMs: 20_000 });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--bus http://x: expected redis://HOST:PORT');
  });
});

describe('the publish script', () => {
  it('numbers a message once: run again with the same origin and id (a retry after a dropped link), it returns the same seq and publishes nothing', async () => {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const r = new Redis(redis.url) as Redis & { pub(...a: (string | number)[]): Promise<number> };
    const sub = new Redis(redis.url);
    cleanups.push(async () => {
      r.disconnect();
      sub.disconnect();
    });
    r.defineCommand('pub', { numberOfKeys: 3, lua: PUBLISH_LUA });
    const heard: string[] = [];
    await sub.subscribe(keys.channel('once'));
    sub.on('message', (_c: string, m: string) => heard.push(m));
    const args = (id: string) => [keys.seq('once'), keys.log('once'), keys.sent('once', 'n0|c1', id), keys.channel('once'), 'n0|c1', '"room":"once","seq":', ',"body":"x"', 100, 60];
    expect(await r.pub(...args('1'))).toBe(1);
    expect(await r.pub(...args('1'))).toBe(1); // the retry
    expect(await r.pub(...args('2'))).toBe(2);
    await until(() => heard.length >= 2, 2000, 'two publications');
    await new Promise((res) => setTimeout(res, 100));
    expect(heard).toEqual(['1|n0|c1|"room":"once","seq":1,"body":"x"', '2|n0|c1|"room":"once","seq":2,"body":"x"']);
    expect(await r.xlen(keys.log('once'))).toBe(2);
  });
});

describe('failures', () => {
  it('kill -9 of one node: its clients drop, resume on another node from their last seq, and no acked message is lost', async () => {
    const redis = await startRedis();
    cleanups.push(() => redis.stop());
    const nodes = [await processNode(redis, 'n0'), await processNode(redis, 'n1'), await processNode(redis, 'n2')];
    const clients: ChatClient[] = [];
    for (let i = 0; i < 6; i++) clients.push(await member(nodes[i % 3]!.ws, `k${i}`, 'doom', PROCESS_SECRET));
    const doomed = [clients[2]!, clients[5]!]; // on n2
    const acks = new Map<string, number>(); // id → seq
    let sending = true;
    let n = 0;
    const pump = (async () => {
      while (sending) {
        for (const [i, c] of clients.entries()) if (c.ws.readyState === c.ws.OPEN) c.send({ type: 'say', room: 'doom', id: `${i}-${n}`, body: 'x' });
        n++;
        await new Promise((r) => setTimeout(r, 10));
      }
    })();
    await new Promise((r) => setTimeout(r, 600));
    nodes[2]!.child.kill('SIGKILL');
    for (const c of doomed) expect((await c.closed).code).toBe(1006);
    // the dropped members come back on n0 and ask for what they missed since their last seq
    const resumed: ChatClient[] = [];
    for (const [k, c] of doomed.entries()) {
      // resume after the last msg, not the last ack: an ack (the command's reply) may overtake msgs
      // of lower seqs still on their way through the node's subscription
      const last = Math.max(0, ...msgs(c).map((m) => m.seq as number));
      const again = await ChatClient.open(nodes[0]!.ws);
      await again.auth(signToken({ sub: `k${k === 0 ? 2 : 5}` }, PROCESS_SECRET));
      const joined = await again.join('doom');
      again.send({ type: 'history', room: 'doom', limit: 500, before: (joined.seq as number) + 1 });
      const h = await again.next('history');
      resumed.push(again);
      (again as ChatClient & { recovered?: number[]; last?: number }).recovered = (h.messages as Frame[]).map((m) => m.seq as number).filter((s) => s > last);
      (again as ChatClient & { last?: number }).last = last;
    }
    await new Promise((r) => setTimeout(r, 400));
    sending = false;
    await pump;
    await new Promise((r) => setTimeout(r, 300));
    for (const c of [...clients, ...resumed]) for (const f of c.frames) if (f.type === 'ack') acks.set(f.id as string, f.seq as number);
    const ackedSeqs = new Set(acks.values());
    const maxAcked = Math.max(...ackedSeqs);
    expect(ackedSeqs.size).toBeGreaterThan(100);
    const survivors = clients.filter((c) => !doomed.includes(c));
    for (const c of survivors) {
      const got = new Set(msgs(c).map((m) => m.seq as number));
      for (const seq of ackedSeqs) if (![...acks].some(([id, s]) => s === seq && id.startsWith(`${clients.indexOf(c)}-`))) expect(got.has(seq), `seq ${seq} at a survivor`).toBe(true);
      const after = msgs(c).filter((m) => (m.seq as number) > maxAcked - 20);
      expect(after.length).toBeGreaterThan(0); // the other nodes kept delivering to the end
    }
    // a resumed member holds every acked seq: live before the kill, from history, or live after
    for (const [k, again] of resumed.entries()) {
      const before = doomed[k]!;
      const self = clients.indexOf(before);
      const own = new Set([...acks].filter(([id]) => id.startsWith(`${self}-`)).map(([, s]) => s));
      const got = new Set([...msgs(before), ...msgs(again)].map((m) => m.seq as number));
      for (const s of (again as ChatClient & { recovered?: number[] }).recovered ?? []) got.add(s);
      const missing = [...ackedSeqs].filter((s) => !own.has(s) && !got.has(s));
      expect(missing, 'acked messages a resumed member never got').toEqual([]);
    }
  }, 30_000);

  it('a Redis restart (AOF on): says fail with UNAVAILABLE while it is away, nodes reconnect, seq and history carry on, and the gap is reported', async () => {
    const t = await startTestCluster('coroutine', { persist: 'none' });
    cleanups.push(() => t.close());
    const a = await member(t.ws, 'ra', 'phoenix');
    const b = await member(t.ws, 'rb', 'phoenix');
    for (let i = 1; i <= 5; i++) a.send({ type: 'say', room: 'phoenix', id: i, body: `before ${i}` });
    for (let i = 1; i <= 5; i++) expect(await a.next('ack')).toMatchObject({ seq: i });
    const restarted = t.redis.restart({ downMs: 700 });
    await new Promise((r) => setTimeout(r, 200));
    a.send({ type: 'say', room: 'phoenix', id: 'gone', body: 'while away' });
    expect(await a.next('error')).toMatchObject({ code: ErrorCode.UNAVAILABLE, ref: 'gone' });
    await restarted;
    const deadline = Date.now() + 10_000;
    let seq = 0;
    for (let i = 6; Date.now() < deadline; i++) {
      a.send({ type: 'say', room: 'phoenix', id: i, body: `after ${i}` });
      const answer = await a.next(undefined, 2000);
      if (answer.type === 'ack') {
        seq = answer.seq as number;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(seq).toBe(6); // the AOF kept the room's seq: it goes on from 5
    await until(() => msgs(b).length === 6, 5000, 'the message after the restart at the other node');
    expect(msgs(b).map((m) => m.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    // a node may hear the room (subscriber link) before its command link is back, or the other way
    // round; history asks the command link, which answers UNAVAILABLE until then — so wait for
    // both nodes to say both links are up (this is also the check that they reconnected)
    for (const node of t.nodes) await until(async () => metric(await scrape(node.http), 'chatbench_bus_up') === 1, 5000, `${node.http} to report chatbench_bus_up 1 after the restart`);
    b.send({ type: 'history', room: 'phoenix', limit: 10 });
    expect(((await b.next('history')).messages as Frame[]).map((m) => m.body)).toEqual(['before 1', 'before 2', 'before 3', 'before 4', 'before 5', expect.stringMatching(/^after/)]);
    const m = await scrape(t.nodes[0]!.http);
    expect(metric(m, 'chatbench_bus_disconnects_total')).toBeGreaterThanOrEqual(1);
    expect(metric(m, 'chatbench_bus_down_seconds_total')).toBeGreaterThan(0.3);
    expect(metric(m, 'chatbench_bus_publish_failed_total')).toBeGreaterThanOrEqual(1);
  }, 30_000);
});
