// The generator against servers that break the rules (test/helpers/hostile-server.ts): whatever
// they send, the run ends in bounded time with a result that records what happened, and a run that
// measured nothing fails its sanity checks.
import { afterEach, describe, expect, it } from 'vitest';
import { runScenario } from '../loadgen/coordinator/run.js';
import { parseScenario } from '../loadgen/scenario/parse.js';
import type { Result } from '../results/schema.js';
import { HostileServer, type Hostility } from './helpers/hostile-server.js';

const SCENARIO = `name: hostile
clients: 10
rampUp: 500ms
duration: 2s
drain: 1s
connectTimeout: 1500ms
rooms: {size: 5}
messageRate: 5
`;

let server: HostileServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function against(mode: Hostility): Promise<{ r: Result; seconds: number; log: string[] }> {
  server = new HostileServer(mode);
  const target = await server.start();
  const log: string[] = [];
  const t0 = Date.now();
  const r = await runScenario({ scenario: parseScenario(SCENARIO, 'hostile.yaml'), target, log: (l) => log.push(l) });
  return { r, seconds: (Date.now() - t0) / 1000, log };
}

const failedChecks = (r: Result) => r.checks.filter((c) => !c.ok).map((c) => c.name);

describe('a hostile server', () => {
  it('sending seq 2^53 − 1 and a 400-digit seq: recorded as lost and as bad seqs, no crash', async () => {
    const { r } = await against('huge-seq');
    expect(r.messages.sent).toBeGreaterThan(50);
    expect(r.errors.CLIENT_BAD_SEQ).toBeGreaterThan(0); // the 400-digit seq
    expect(r.messages.lost).toBeGreaterThan(1e15); // the server claims 2^53 messages nobody got
    expect(failedChecks(r)).toContain('protocol violations');
  });

  it('answering `joined` without a seq: the join is refused with what was wrong, pointing to protocol type json', async () => {
    const { r } = await against('joined-no-seq');
    expect(r.connections.peak).toBe(0);
    expect(r.errors.CONNECT_JOIN_REFUSED).toBeGreaterThanOrEqual(10);
    expect(r.errorSamples!.CONNECT_JOIN_REFUSED).toMatch(/^`joined` without a valid seq: \{"type":"joined","room":"r\d+","members":1\} — .*protocol type json/);
    expect(failedChecks(r)).toContain('clients connected');
  });

  it('sending a sender its own message: not a delivery nor a duplicate, said in words', async () => {
    const { r } = await against('own-msg');
    expect(r.messages.sent).toBeGreaterThan(50);
    expect(r.messages.acked).toBe(r.messages.sent);
    // each connection is alone in its "room" here: nothing was anyone else's to receive
    expect(r.messages.delivered).toBe(0);
    expect(r.messages.duplicated).toBe(0);
    expect(r.errors.CLIENT_OWN_MSG).toBe(r.messages.sent);
    expect(r.errorSamples!.CLIENT_OWN_MSG).toMatch(/^the server sent a sender its own message (as a msg before its ack \(\{"type":"ack"|after its ack: \{"type":"msg").*protocol type json or socket\.io/);
    expect(failedChecks(r)).toContain('protocol violations');
  });

  it('leaving thousands of separate seq gaps: tracked as ranges, counted as lost', async () => {
    const { r } = await against('seq-gaps');
    expect(r.messages.delivered).toBeGreaterThan(20);
    expect(r.messages.lost).toBeGreaterThan(r.messages.delivered);
  });

  it('announcing a frame of 2^40 bytes: the connection is closed with 1009 at once, nothing buffered', async () => {
    const { r, seconds } = await against('huge-frame');
    expect(r.closes['1009']).toBe(10);
    expect(r.errors.CLIENT_FRAME_TOO_BIG).toBe(10);
    expect(failedChecks(r)).toContain('protocol violations');
    expect(seconds).toBeLessThan(20);
  });

  it('sending a reserved opcode: closed with 1002', async () => {
    const { r } = await against('reserved-opcode');
    expect(r.closes['1002']).toBe(10);
    expect(r.errors.CLIENT_BAD_FRAME).toBe(10);
  });

  it('flooding binary frames: closed with 1003 on the first, counted once per connection', async () => {
    const { r } = await against('binary-flood');
    expect(r.closes['1003']).toBe(10);
    expect(r.errors.CLIENT_BINARY_FRAME).toBe(10);
  });

  it('sending fields of the wrong JSON types: each counted by code, no answer taken for an ack', async () => {
    const { r } = await against('wrong-types');
    expect(r.errors.CLIENT_BAD_SEQ).toBeGreaterThan(0);
    expect(r.errors.CLIENT_BAD_TS).toBeGreaterThan(0);
    expect(r.errors.CLIENT_BAD_JSON).toBeGreaterThan(0);
    expect(r.errors.CLIENT_BAD_ACK).toBe(r.messages.sent);
    expect(r.messages.acked).toBe(0);
    expect(failedChecks(r)).toEqual(expect.arrayContaining(['sends unanswered', 'protocol violations']));
  });

  it('joining, then never acking nor delivering: every send unanswered, the run fails its checks', async () => {
    const { r } = await against('silent');
    expect(r.messages.sent).toBeGreaterThan(50);
    expect(r.messages).toMatchObject({ acked: 0, unanswered: r.messages.sent, expected: 0, lost: 0 });
    expect(r.latencyMs.e2e).toMatchObject({ count: 0, p50: null, p99: null });
    expect(failedChecks(r)).toEqual(['sends unanswered']);
  });

  it('refusing every send: refusals counted by code, latency is no data, never 0 ms', async () => {
    const { r } = await against('refuse-all');
    expect(r.messages.refused).toBe(r.messages.sent);
    expect(r.messages.refusedByCode).toEqual({ TOO_LARGE: r.messages.sent });
    expect(r.latencyMs.e2e.p99).toBeNull();
    expect(failedChecks(r)).toEqual(['sends refused']);
  });

  it('answering the upgrade with HTTP 500: every connection failed, by status', async () => {
    const { r } = await against('http-500');
    expect(r.connections).toMatchObject({ peak: 0, failed: 10 });
    expect(r.errors.CONNECT_HTTP_500).toBe(10);
    expect(failedChecks(r)).toEqual(expect.arrayContaining(['clients connected', 'connections failed']));
  });

  it('never answering the upgrade: connects time out and count as failed', async () => {
    const { r, seconds } = await against('no-upgrade');
    expect(r.connections).toMatchObject({ peak: 0, failed: 10 });
    expect((r.errors.CONNECT_TIMEOUT ?? 0) + (r.errors.CONNECT_UNFINISHED ?? 0)).toBe(10);
    expect(failedChecks(r)).toContain('clients connected');
    expect(seconds).toBeLessThan(20);
  });

  it('answering plain GETs with 101: the probes time out, the run goes on without server figures', async () => {
    const { r, seconds, log } = await against('weird-http');
    expect(seconds).toBeLessThan(20);
    expect(r.connections.peak).toBe(10);
    expect(r.server.cpuSeconds).toBeNull();
    expect(log.filter((l) => l.includes('no server figures'))).toHaveLength(1);
  });
});
