// The exactness every marker-protocol test asserts: all clients in, every send answered, every
// message expected at the other members of its room, and lost / duplicated equal to the faults
// injected (by the server or by a proxy), nothing reordered, nothing unmatched.
import { expect } from 'vitest';
import type { Result } from '../../results/schema.js';

export interface Exact {
  clients: number;
  room: number;
  faults?: { dropped: number; duplicated: number };
  minSent?: number;
}

export function expectExactDelivery(r: Result, { clients, room, faults = { dropped: 0, duplicated: 0 }, minSent = 100 }: Exact): void {
  expect(r.connections).toMatchObject({ peak: clients, failed: 0 });
  expect(r.messages.sent).toBeGreaterThan(minSent);
  // an answer per send: a reply, or the room's reflection of the sender's own message
  expect(r.messages.acked).toBe(r.messages.sent);
  expect(r.latencyMs.ack.count).toBe(r.messages.sent);
  expect(r.messages.expected).toBe(r.messages.sent * (room - 1));
  expect(r.messages.lost).toBe(faults.dropped);
  expect(r.messages.duplicated).toBe(faults.duplicated);
  expect(r.messages.delivered).toBe(r.messages.expected - faults.dropped);
  expect(r.messages.reordered).toBe(0);
  expect(r.latencyMs.e2e.count).toBe(r.messages.delivered);
  expect(r.latencyMs.e2e.p50).toBeGreaterThan(0);
  expect(r.latencyMs.e2eUncorrected.p50).toBeLessThanOrEqual(r.latencyMs.e2e.p50!);
  expect(Object.keys(r.protocol!.unmatched)).toEqual([]);
  expect(r.checks.every((c) => c.ok)).toBe(true);
}
