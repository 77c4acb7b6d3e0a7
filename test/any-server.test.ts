// chatbench on servers that are not its own, started for real: a JSON chat server of another shape
// (one JSON value per frame, and ndjson batches) and a Socket.IO server (socket.io from npm, one
// node and two nodes on a real redis-server). With faults injected by the server, chatbench's lost
// and duplicated must equal what the server says it did, exactly.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dist } from '../lib/paths.js';
import { runScenario } from '../loadgen/coordinator/run.js';
import { startRedis, type RedisProcess } from '../loadgen/coordinator/redis-process.js';
import { parseScenario } from '../loadgen/scenario/parse.js';
import type { Result } from '../results/schema.js';
import { startBenchServer, stopBenchServer, type BenchServer } from '../bench/servers/bench-process.js';
import { runCli } from './helpers/cli.js';
import { expectExactDelivery } from './helpers/exact-delivery.js';

const started: BenchServer[] = [];
let redis: RedisProcess | undefined;
afterAll(async () => {
  for (const s of started) await stopBenchServer(s);
  await redis?.stop();
});

async function subject(script: string, ...args: string[]): Promise<{ url: string; stats: () => Promise<{ broadcasts: number; dropped: number; duplicated: number }> }> {
  const s = await startBenchServer([dist(`bench/servers/${script}`), ...args]);
  started.push(s);
  return { url: `ws://127.0.0.1:${s.port}/`, stats: async () => (await fetch(`http://127.0.0.1:${s.port}/stats`)).json() as never };
}

// every client joins during the first second; the senders start after it (startRate 0), so no
// message crosses a join on the wire and "expected" is exact
const LOAD = `clients: 60
rampUp: 1s
duration: 4s
drain: 2s
rooms: {size: 6}
executor: {type: ramping-arrival-rate, startRate: 0, stages: [{duration: 4s, target: 300}]}
`;

const JSON_PROFILE = (frames: string) => `protocol:
  type: json
  path: /chat?user={user}
  join: {send: {op: enter, channel: "{room}"}, reply: {op: entered}}
  say: {send: {op: post, channel: "{room}", text: "{body}", ref: "{id}"}, reply: {op: posted, ref: "{id}"}}
  message: {match: {op: event}, text: data.text}
  frames: ${frames}
`;

const SOCKET_IO_PROFILE = `protocol:
  type: socket.io
  join: {emit: [join room, "{room}"], ack: true}
  say: {emit: [chat message, {room: "{room}", text: "{body}"}], ack: true}
  message: {event: chat message, text: "0.text"}
`;

function run(yaml: string, target: string): Promise<Result> {
  return runScenario({ scenario: parseScenario(`name: any\n${yaml}`, 'any.yaml'), target, log: () => {} });
}

// 60 clients in rooms of 6: every message reaches the other 5 members of its room
const expectExact = (r: Result, faults: { dropped: number; duplicated: number }) => expectExactDelivery(r, { clients: 60, room: 6, faults, minSent: 500 });

describe('a JSON chat server of another shape', () => {
  for (const frames of ['single', 'ndjson']) {
    it(`${frames} frames: delivered = expected, and injected drops and duplicates counted exactly`, async () => {
      const clean = await subject('json-chat.js', '--frames', frames);
      expectExact(await run(LOAD + JSON_PROFILE(frames), clean.url), { dropped: 0, duplicated: 0 });
      const faulty = await subject('json-chat.js', '--frames', frames, '--drop', '0.01', '--duplicate', '0.005', '--seed', '7');
      const r = await run(LOAD + JSON_PROFILE(frames), faulty.url);
      const f = await faulty.stats();
      expect(f.dropped).toBeGreaterThan(0);
      expect(f.duplicated).toBeGreaterThan(0);
      expectExact(r, f);
      expect(r.protocol!.rules).toMatchObject({ 'join.reply': 60, 'say.reply': r.messages.sent, 'message.match': r.messages.delivered + f.duplicated });
    }, 60_000);
  }

  it('a match that never matches fails the run (exit 96), naming the rule and showing what came instead', async () => {
    const s = await subject('json-chat.js');
    const dir = mkdtempSync(join(tmpdir(), 'chatbench-profile-'));
    const wrong = LOAD + JSON_PROFILE('single').replace('match: {op: event}', 'match: {op: message}');
    writeFileSync(join(dir, 'wrong.yaml'), `name: wrong\n${wrong}`);
    const out = await runCli(['run', join(dir, 'wrong.yaml'), '--target', s.url, '--out', join(dir, 'out')]);
    expect(out.code).toBe(96);
    expect(out.stdout).toMatch(/profile rules matched \(protocol\.message\.match matched no frame; frames that matched no rule: op=event ×\d+/);
    expect(out.stdout).toMatch(/unmatched frames \d+ \(op=event \d+\)/);
    expect(out.stdout).toContain('frames that matched no rule of the json profile');
    expect(out.stdout).toContain('{"op":"event","data":{"channel":"r');
  }, 60_000);

  it('a text path that is missing is counted by kind, and the run fails its checks', async () => {
    const s = await subject('json-chat.js');
    const r = await run(LOAD + JSON_PROFILE('single').replace('text: data.text', 'text: data.body'), s.url);
    expect(r.protocol!.unmatched['message.text: no string at data.body']).toBeGreaterThan(1000);
    expect(r.messages.delivered).toBe(0);
    expect(r.checks.find((c) => c.name === 'profile rules matched')).toMatchObject({ ok: false });
    expect(r.checks.find((c) => c.name === 'deliveries measured')).toMatchObject({ ok: false });
  }, 60_000);
});

describe('a Socket.IO chat server (socket.io from npm)', () => {
  it('one node: delivered = expected, acks counted, the server\'s pings answered', async () => {
    // pings every 200 ms with a 300 ms timeout: an unanswered ping would close every connection
    const s = await subject('socketio-chat.js', '--ping-interval', '200', '--ping-timeout', '300');
    const r = await run(LOAD + SOCKET_IO_PROFILE, s.url);
    expectExact(r, { dropped: 0, duplicated: 0 });
    expect(r.closes).toEqual({});
  }, 60_000);

  it('one node with injected drops and duplicates: counted exactly', async () => {
    const s = await subject('socketio-chat.js', '--drop', '0.01', '--duplicate', '0.005', '--seed', '11');
    const r = await run(LOAD + SOCKET_IO_PROFILE, s.url);
    const f = await s.stats();
    expect(f.dropped).toBeGreaterThan(0);
    expect(f.duplicated).toBeGreaterThan(0);
    expectExact(r, f);
  }, 60_000);

  it('two nodes on a real redis-server (Pub/Sub adapter): every room spans both, delivered = expected', async () => {
    redis ??= await startRedis({ fsync: 'everysec' });
    const a = await subject('socketio-chat.js', '--redis', redis.url, '--drop', '0.01', '--seed', '3');
    const b = await subject('socketio-chat.js', '--redis', redis.url, '--drop', '0.01', '--seed', '5');
    const r = await run(`${LOAD}bus: redis\n${SOCKET_IO_PROFILE}`, `${a.url},${b.url}`);
    const [fa, fb] = [await a.stats(), await b.stats()];
    expect(fa.broadcasts).toBeGreaterThan(0);
    expect(fb.broadcasts).toBeGreaterThan(0);
    expectExact(r, { dropped: fa.dropped + fb.dropped, duplicated: 0 });
  }, 60_000);

  it('a refused namespace CONNECT (wrong auth) is a failed connection with the server\'s words, never a hang', async () => {
    const s = await subject('socketio-chat.js', '--token', 'right');
    const r = await run(LOAD + SOCKET_IO_PROFILE.replace('  join:', '  auth: {token: wrong}\n  join:'), s.url);
    expect(r.connections.peak).toBe(0);
    expect(r.connections.failed).toBe(60);
    expect(r.errors.CONNECT_SOCKETIO_ERROR).toBeGreaterThanOrEqual(60);
    expect(r.errorSamples!.CONNECT_SOCKETIO_ERROR).toBe('connect error: not authorized');
    expect(r.checks.find((c) => c.name === 'clients connected')).toMatchObject({ ok: false });
  }, 60_000);
});
