// Loads and checks shared by the Prosody tests (test/xmpp-prosody.test.ts and the big room in
// test/measurement/xmpp-big-room.test.ts).
import { expect } from 'vitest';
import { runScenario } from '../../loadgen/coordinator/run.js';
import { parseScenario } from '../../loadgen/scenario/parse.js';
import type { Result } from '../../results/schema.js';
import { PROSODY } from '../../bench/servers/prosody-config.js';

// every client joins during the ramp; the senders start after a quiet stage at rate 0, so no
// message crosses a join on the wire and "expected" is exact
export const load = (clients: number, room: number, peakRate: number, rampS = 1, quietS = 1) => `clients: ${clients}
rampUp: ${rampS}s
connectTimeout: 60s
duration: ${quietS + 4}s
drain: 2s
rooms: {size: ${room}}
executor: {type: ramping-arrival-rate, startRate: 0, stages: [{duration: ${quietS}s, target: 0}, {duration: 4s, target: ${peakRate}}]}
`;
export const XMPP = `protocol: {type: xmpp, domain: ${PROSODY.domain}, muc: ${PROSODY.muc}}\n`;

export function runXmpp(yaml: string, url: string, pid: number): Promise<Result> {
  return runScenario({ scenario: parseScenario(`name: xmpp\n${yaml}`, 'xmpp.yaml'), target: url, targetPids: [pid], log: () => {} });
}

export function expectExact(r: Result, clients: number, room: number, faults = { dropped: 0, duplicated: 0 }, minSent = 100): void {
  expect(r.connections).toMatchObject({ peak: clients, failed: 0 });
  expect(r.messages.sent).toBeGreaterThan(minSent);
  // the room's reflection of each own message is its answer, and never a delivery
  expect(r.messages.acked).toBe(r.messages.sent);
  expect(r.latencyMs.ack.count).toBe(r.messages.sent);
  expect(r.messages.expected).toBe(r.messages.sent * (room - 1));
  expect(r.messages.lost).toBe(faults.dropped);
  expect(r.messages.duplicated).toBe(faults.duplicated);
  expect(r.messages.delivered).toBe(r.messages.expected - faults.dropped);
  expect(r.messages.reordered).toBe(0);
  expect(r.latencyMs.e2e.count).toBe(r.messages.delivered);
  expect(r.latencyMs.e2e.p50).toBeGreaterThan(0);
  expect(r.errors).toEqual({});
  expect(Object.keys(r.protocol!.unmatched)).toEqual([]);
  expect(r.checks.every((c) => c.ok)).toBe(true);
  // Prosody's own process, measured from /proc
  expect(r.server.cpuMsPer1kDeliveries).toBeGreaterThan(0);
}

