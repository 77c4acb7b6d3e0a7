// One suite, every variant: the same features and the same answers to bad input.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { CloseCode, ErrorCode } from '../protocol/errors.js';
import { signToken } from '../protocol/token.js';
import { VARIANTS } from '../server/config.js';
import { ChatClient } from './helpers/chat-client.js';
import { SECRET, startTestCluster, startTestServer, type TestServer } from './helpers/server.js';

const token = (sub: string, extra: { rooms?: string[]; exp?: number } = {}) => signToken({ sub, ...extra }, SECRET);

async function user(t: TestServer, name: string): Promise<ChatClient> {
  const c = await ChatClient.open(t.ws);
  await c.auth(token(name));
  return c;
}

async function getText(url: string, init?: RequestInit): Promise<{ status: number; text: string }> {
  const res = await fetch(url, init);
  return { status: res.status, text: await res.text() };
}

// every variant alone, and every variant as a 2-node cluster on a real Redis (docs/cluster.md),
// where consecutive clients — the members of each room here — connect to different nodes
const TOPOLOGIES = VARIANTS.flatMap((variant) => [
  { variant, name: `${variant} variant`, cluster: false },
  { variant, name: `${variant} variant, 2 nodes on a Redis bus`, cluster: true },
]);

describe.each(TOPOLOGIES)('$name', ({ variant, cluster }) => {
  let t: TestServer;
  beforeAll(async () => {
    const options = { authTimeoutMs: 400, rate: 20, burst: 5, abuseStrikes: 8, maxBodyBytes: 100, maxFrameBytes: 4096, devLogin: true, devLoginWithRealSecret: true };
    t = cluster ? await startTestCluster(variant, options) : await startTestServer(variant, options);
  });
  afterAll(async () => {
    await t.close();
  });

  describe('auth', () => {
    it('answers a good auth frame with ready', async () => {
      const c = await ChatClient.open(t.ws);
      const ready = await c.auth(token('alice'));
      expect(ready).toMatchObject({ type: 'ready', user: 'alice', protocol: 1 });
      expect(typeof ready.conn).toBe('string');
      c.close();
    });

    it('accepts the token on the upgrade, as Bearer header or ?token=', async () => {
      const a = await ChatClient.open(t.ws, { Authorization: `Bearer ${token('bob')}` });
      expect(await a.next('ready')).toMatchObject({ user: 'bob' });
      const b = await ChatClient.open(`${t.ws}?token=${token('carol')}`);
      expect(await b.next('ready')).toMatchObject({ user: 'carol' });
      a.close();
      b.close();
    });

    it('refuses a bad upgrade token with HTTP 401', async () => {
      await expect(ChatClient.open(t.ws, { Authorization: 'Bearer nope' })).rejects.toThrow('HTTP 401');
      await expect(ChatClient.open(`${t.ws}?token=${token('x', { exp: 1 })}`)).rejects.toThrow('HTTP 401');
    });

    it.each([
      ['forged', signToken({ sub: 'mallory' }, 'wrong-secret')],
      ['expired', signToken({ sub: 'mallory', exp: Math.floor(Date.now() / 1000) - 10 }, SECRET)],
      ['alg none', `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"m","exp":9999999999}').toString('base64url')}.`],
    ])('refuses a %s token in the auth frame: UNAUTHORIZED then close 4003', async (_name, bad) => {
      const c = await ChatClient.open(t.ws);
      c.send({ type: 'auth', token: bad });
      expect(await c.next('error')).toMatchObject({ code: ErrorCode.UNAUTHORIZED });
      expect((await c.closed).code).toBe(CloseCode.AUTH_FAILED);
    });

    it('answers frames before auth with NOT_AUTHENTICATED and stays open', async () => {
      const c = await ChatClient.open(t.ws);
      c.send({ type: 'say', room: 'r', id: 1, body: 'x' });
      expect(await c.next('error')).toMatchObject({ code: ErrorCode.NOT_AUTHENTICATED, ref: 1 });
      expect(await c.auth(token('late'))).toMatchObject({ type: 'ready' });
      c.close();
    });

    it('closes with 4001 when no auth arrives in time', async () => {
      const c = await ChatClient.open(t.ws);
      expect((await c.closed).code).toBe(CloseCode.AUTH_TIMEOUT);
    });
  });

  describe('rooms and messages', () => {
    it('fans a message out to every other member and acks the sender', async () => {
      const [a, b, c] = await Promise.all([user(t, 'a'), user(t, 'b'), user(t, 'c')]);
      await a.join('fan');
      await b.join('fan');
      const joined = await c.join('fan');
      expect(joined).toMatchObject({ room: 'fan', members: 3 });
      a.send({ type: 'say', room: 'fan', id: 'm1', body: 'hello', ts: 123 });
      const ack = await a.next('ack');
      expect(ack).toMatchObject({ id: 'm1', room: 'fan' });
      for (const receiver of [b, c]) {
        expect(await receiver.next('msg')).toEqual({ type: 'msg', room: 'fan', from: 'a', id: 'm1', seq: ack.seq, ts: 123, body: 'hello' });
      }
      expect(a.frames.filter((f) => f.type === 'msg')).toEqual([]);
      for (const x of [a, b, c]) x.close();
    });

    it('numbers a room strictly increasing across senders', async () => {
      const [a, b] = await Promise.all([user(t, 'sa'), user(t, 'sb')]);
      const start = (await a.join('seqroom')).seq as number;
      await b.join('seqroom');
      for (let i = 0; i < 5; i++) {
        a.send({ type: 'say', room: 'seqroom', id: i, body: 'a' });
        b.send({ type: 'say', room: 'seqroom', id: i, body: 'b' });
      }
      const seqs: number[] = [];
      for (let i = 0; i < 5; i++) seqs.push((await a.next('ack')).seq as number, (await b.next('ack')).seq as number);
      expect(new Set(seqs).size).toBe(10);
      expect(Math.min(...seqs)).toBe(start + 1);
      expect(Math.max(...seqs)).toBe(start + 10);
      const received: number[] = [];
      for (let i = 0; i < 5; i++) received.push((await a.next('msg')).seq as number);
      expect(received).toEqual([...received].sort((x, y) => x - y));
      a.close();
      b.close();
    });

    it('refuses say to a room not joined, with the message id as ref', async () => {
      const a = await user(t, 'lonely');
      a.send({ type: 'say', room: 'elsewhere', id: 99, body: 'x' });
      expect(await a.next('error')).toMatchObject({ code: ErrorCode.NOT_IN_ROOM, ref: 99 });
      a.close();
    });

    it('leaves a room and stops receiving it', async () => {
      const [a, b] = await Promise.all([user(t, 'la'), user(t, 'lb')]);
      await a.join('leave-room');
      await b.join('leave-room');
      b.send({ type: 'leave', room: 'leave-room' });
      expect(await b.next('left')).toMatchObject({ room: 'leave-room' });
      a.send({ type: 'say', room: 'leave-room', id: 1, body: 'x' });
      await a.next('ack');
      b.send({ type: 'leave', room: 'leave-room' });
      expect(await b.next('error')).toMatchObject({ code: ErrorCode.NOT_IN_ROOM });
      expect(b.frames.filter((f) => f.type === 'msg')).toEqual([]);
      a.close();
      b.close();
    });

    it('enforces the rooms claim of a token', async () => {
      const c = await ChatClient.open(t.ws);
      await c.auth(token('acl', { rooms: ['team-*'] }));
      expect(await c.join('team-red')).toMatchObject({ room: 'team-red' });
      c.send({ type: 'join', room: 'secret' });
      expect(await c.next('error')).toMatchObject({ code: ErrorCode.FORBIDDEN });
      c.send({ type: 'history', room: 'secret', limit: 5 });
      expect(await c.next('error')).toMatchObject({ code: ErrorCode.FORBIDDEN });
      c.close();
    });

    it('serves history by frame, on join and over HTTP', async () => {
      const a = await user(t, 'hist');
      await a.join('hroom');
      for (let i = 1; i <= 4; i++) a.send({ type: 'say', room: 'hroom', id: i, body: `m${i}` });
      for (let i = 1; i <= 4; i++) await a.next('ack');
      a.send({ type: 'history', room: 'hroom', limit: 2 });
      const h = await a.next('history');
      expect((h.messages as { body: string }[]).map((m) => m.body)).toEqual(['m3', 'm4']);
      const b = await user(t, 'hist2');
      const joined = await b.join('hroom', 3);
      expect((joined.history as { body: string }[]).map((m) => m.body)).toEqual(['m2', 'm3', 'm4']);
      const res = await getText(`${t.http}/rooms/hroom/history?limit=10&before=3`, { headers: { authorization: `Bearer ${token('reader')}` } });
      expect(res.status).toBe(200);
      expect((JSON.parse(res.text) as { messages: { body: string }[] }).messages.map((m) => m.body)).toEqual(['m1', 'm2']);
      expect((await getText(`${t.http}/rooms/hroom/history?token=${token('reader')}`)).status).toBe(200);
      a.close();
      b.close();
    });

    it('serves history over HTTP to nobody without a token, and only inside its rooms claim', async () => {
      const none = await getText(`${t.http}/rooms/hroom/history`);
      expect(none.status).toBe(401);
      expect(none.text).not.toContain('"messages"');
      expect((await getText(`${t.http}/rooms/hroom/history`, { headers: { authorization: `Bearer ${signToken({ sub: 'x' }, 'forged')}` } })).status).toBe(401);
      expect((await getText(`${t.http}/rooms/hroom/history?token=${token('acl', { rooms: ['team-*'] })}`)).status).toBe(403);
      expect((await getText(`${t.http}/rooms/team-x/history?token=${token('acl', { rooms: ['team-*'] })}`)).status).toBe(200);
    });

    it('handles frames sent right behind `auth`, in order, once the token is verified', async () => {
      const a = await ChatClient.open(t.ws);
      a.send({ type: 'auth', token: token('eager') });
      a.send({ type: 'join', room: 'eager' });
      a.send({ type: 'say', room: 'eager', id: 1, body: 'first' });
      expect(await a.next('ready')).toMatchObject({ user: 'eager' });
      expect(await a.next('joined')).toMatchObject({ room: 'eager' });
      expect(await a.next('ack')).toMatchObject({ id: 1, seq: 1 });
      a.close();
    });
  });

  describe('limits', () => {
    it('answers an oversized body with TOO_LARGE', async () => {
      const a = await user(t, 'big');
      await a.join('lim');
      a.send({ type: 'say', room: 'lim', id: 5, body: 'x'.repeat(101) });
      expect(await a.next('error')).toMatchObject({ code: ErrorCode.TOO_LARGE, ref: 5 });
      a.close();
    });

    it('rate-limits a flood, then closes it with 1008', async () => {
      const a = await user(t, 'flood');
      await a.join('flood');
      for (let i = 0; i < 30; i++) a.send({ type: 'say', room: 'flood', id: i, body: 'x' });
      expect(await a.next('error')).toMatchObject({ code: ErrorCode.RATE_LIMITED });
      expect((await a.closed).code).toBe(CloseCode.POLICY_VIOLATION);
    });
  });

  describe('bad input', () => {
    it.each([
      ['non-JSON', 'hello', ErrorCode.BAD_FRAME],
      ['unknown type', '{"type":"dance"}', ErrorCode.UNKNOWN_TYPE],
      ['missing field', '{"type":"join"}', ErrorCode.BAD_FIELD],
      ['mistyped field', '{"type":"say","room":"r","id":1,"body":5}', ErrorCode.BAD_FIELD],
      ['second auth', JSON.stringify({ type: 'auth', token: 'x' }), ErrorCode.ALREADY_AUTHENTICATED],
    ])('answers %s with an error frame and keeps serving', async (_name, text, code) => {
      const a = await user(t, 'bad');
      a.send(text);
      expect(await a.next('error')).toMatchObject({ code });
      expect(await a.join('still-ok')).toMatchObject({ room: 'still-ok' });
      a.close();
    });

    it('answers a binary frame with BAD_FRAME', async () => {
      const a = await user(t, 'bin');
      a.ws.send(Buffer.from([1, 2, 3]));
      expect(await a.next('error')).toMatchObject({ code: ErrorCode.BAD_FRAME });
      a.close();
    });

    it('closes an oversized frame with 1009 and invalid UTF-8 with 1007, others unaffected', async () => {
      const witness = await user(t, 'witness');
      await witness.join('w');
      const big = await user(t, 'bigframe');
      big.send('x'.repeat(5000));
      expect((await big.closed).code).toBe(CloseCode.MESSAGE_TOO_BIG);
      const utf = await user(t, 'utf');
      // a text frame whose payload is not UTF-8: ws sends it as-is when given a Buffer with binary:false
      utf.ws.send(Buffer.from([0xff, 0xfe, 0xfd]), { binary: false });
      expect((await utf.closed).code).toBe(CloseCode.INVALID_PAYLOAD);
      witness.send({ type: 'say', room: 'w', id: 1, body: 'still here' });
      expect(await witness.next('ack')).toMatchObject({ id: 1 });
      witness.close();
    });
  });

  describe('http', () => {
    it('serves /healthz and Prometheus /metrics', async () => {
      const health = await getText(`${t.http}/healthz`);
      expect(health.status).toBe(200);
      expect(JSON.parse(health.text)).toMatchObject({ status: 'ok', variant });
      const m = await getText(`${t.http}/metrics`);
      for (const name of ['chatbench_connections', 'chatbench_messages_total', 'chatbench_deliveries_total', 'chatbench_errors_total', 'process_resident_memory_bytes', 'chatbench_heap_used_bytes', 'chatbench_eventloop_delay_p99_seconds']) {
        expect(m.text).toContain(name);
      }
      // prom-client's process metrics, all but its event-loop histogram (a second 10 ms timer) and its
      // handle listings (O(connections) a scrape; chatbench_active_resources lists them once)
      for (const name of ['process_cpu_user_seconds_total', 'process_open_fds', 'nodejs_heap_size_used_bytes', 'nodejs_heap_space_size_used_bytes', 'nodejs_version_info', 'nodejs_gc_duration_seconds', 'chatbench_active_resources']) {
        expect(m.text, name).toMatch(new RegExp(`^# TYPE ${name} `, 'm'));
      }
      expect(m.text).not.toContain('nodejs_eventloop_lag');
      expect(m.text).not.toContain('nodejs_active_handles'); // chatbench_active_resources counts them once
    });

    it('issues tokens from POST /login and rejects bad bodies', async () => {
      const ok = await getText(`${t.http}/login`, { method: 'POST', body: JSON.stringify({ user: 'dave' }) });
      expect(ok.status).toBe(200);
      const c = await ChatClient.open(t.ws);
      expect(await c.auth((JSON.parse(ok.text) as { token: string }).token)).toMatchObject({ user: 'dave' });
      c.close();
      expect((await getText(`${t.http}/login`, { method: 'POST', body: 'nope' })).status).toBe(400);
      expect((await getText(`${t.http}/rooms/bad room/history?token=${token('dave')}`)).status).toBe(400);
    });
  });
});

describe.each(VARIANTS)('%s variant with a file database', (variant) => {
  it('keeps history and seq across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatbench-'));
    const db = join(dir, 'chat.db');
    try {
      let t = await startTestServer(variant, { db });
      let a = await user(t, 'persist');
      await a.join('keep');
      for (let i = 1; i <= 3; i++) a.send({ type: 'say', room: 'keep', id: i, body: `kept ${i}` });
      for (let i = 1; i <= 3; i++) await a.next('ack');
      a.close();
      await t.close();

      t = await startTestServer(variant, { db });
      a = await user(t, 'persist');
      const joined = await a.join('keep', 10);
      expect(joined.seq).toBe(3);
      expect((joined.history as { body: string }[]).map((m) => m.body)).toEqual(['kept 1', 'kept 2', 'kept 3']);
      a.send({ type: 'say', room: 'keep', id: 4, body: 'after restart' });
      expect(await a.next('ack')).toMatchObject({ seq: 4 });
      a.close();
      await t.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

void WebSocket;
