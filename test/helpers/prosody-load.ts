// Loads and checks shared by the Prosody tests (test/xmpp-prosody.test.ts and the big room in
// test/measurement/xmpp-big-room.test.ts).
import { expect } from 'vitest';
import { runScenario } from '../../loadgen/coordinator/run.js';
import { parseScenario } from '../../loadgen/scenario/parse.js';
import type { Result } from '../../results/schema.js';
import { PROSODY } from '../../bench/servers/prosody-config.js';
import { expectExactDelivery } from './exact-delivery.js';

// every client joins during the ramp; the senders start after a quiet stage at rate 0, so no
// message crosses a join on the wire and "expected" is exact. The drain may take up to 6 s: it ends
// 300 ms after the last delivery when every send is answered, but a Prosody still busy with a
// room of 500's presences answered the last 5 of 46 sends later than 2 s in one local CI run
export const load = (clients: number, room: number, peakRate: number, rampS = 1, quietS = 1) => `clients: ${clients}
rampUp: ${rampS}s
connectTimeout: 60s
duration: ${quietS + 4}s
drain: 6s
rooms: {size: ${room}}
executor: {type: ramping-arrival-rate, startRate: 0, stages: [{duration: ${quietS}s, target: 0}, {duration: 4s, target: ${peakRate}}]}
`;
export const XMPP = `protocol: {type: xmpp, domain: ${PROSODY.domain}, muc: ${PROSODY.muc}}\n`;

export function runXmpp(yaml: string, url: string, pid: number): Promise<Result> {
  return runScenario({ scenario: parseScenario(`name: xmpp\n${yaml}`, 'xmpp.yaml'), target: url, targetPids: [pid], log: () => {} });
}

/** Exact delivery (test/helpers/exact-delivery.ts), no error of any kind, and Prosody's own
 * process measured from /proc. */
export function expectExact(r: Result, clients: number, room: number, faults = { dropped: 0, duplicated: 0 }, minSent = 100): void {
  expectExactDelivery(r, { clients, room, faults, minSent });
  expect(r.errors).toEqual({});
  expect(r.server.cpuMsPer1kDeliveries).toBeGreaterThan(0);
}
