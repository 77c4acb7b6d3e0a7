// Who each simulated client is: its room and its behaviour, as pure functions of its index, so
// every generator process agrees on rooms and on how many senders the run has.
import type { BehavioursSpec, RoomsSpec } from '../scenario/schema.js';

export const BEHAVIOURS = ['chatty', 'lurker', 'slow-consumer', 'reconnector'] as const;
export type BehaviourName = (typeof BEHAVIOURS)[number];

const GOLDEN = 0.6180339887498949;

/** Behaviours are spread by a low-discrepancy sequence: exact proportions, well mixed over rooms. */
export function behaviourOf(b: BehavioursSpec, i: number): BehaviourName {
  const weights = BEHAVIOURS.map((name) => b[name]?.weight ?? 0);
  const total = weights.reduce((a, w) => a + w, 0);
  const u = ((i + 1) * GOLDEN) % 1;
  let acc = 0;
  for (let k = 0; k < BEHAVIOURS.length; k++) {
    acc += weights[k]! / total;
    if (u < acc) return BEHAVIOURS[k]!;
  }
  return BEHAVIOURS[weights.findLastIndex((w) => w > 0)]!;
}

export function countBehaviour(b: BehavioursSpec, clients: number, name: BehaviourName): number {
  let n = 0;
  for (let i = 0; i < clients; i++) if (behaviourOf(b, i) === name) n++;
  return n;
}

/** Room index of client i: consecutive blocks of `size`, round-robin over `count`, or zipf. */
export function roomMapper(r: RoomsSpec, clients: number): (i: number) => number {
  if ('size' in r) return (i) => Math.floor(i / r.size);
  if (r.distribution === 'uniform') return (i) => i % r.count;
  // zipf: room k gets a share ∝ 1/(k+1)^s; client i goes to the room whose cumulative share covers (i+0.5)/N
  const cdf: number[] = [];
  let acc = 0;
  for (let k = 0; k < r.count; k++) cdf.push((acc += 1 / Math.pow(k + 1, r.exponent)));
  for (let k = 0; k < r.count; k++) cdf[k]! /= acc;
  return (i) => {
    const u = (i + 0.5) / clients;
    let lo = 0;
    let hi = r.count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cdf[mid]! >= u) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  };
}

/** Which part of a sharded run a generator belongs to (docs/distributed.md). */
export interface ShardSpec {
  index: number;
  count: number;
}

/** Rooms are dealt to shards round robin, so every member of a room runs on one machine and
 * every e2e latency is taken on one host's monotonic clock. */
export function shardOfRoom(room: number, count: number): number {
  return room % count;
}

/** The client indexes shard `shard` runs, ascending (all of them without a shard). Executors plan
 * by global index and global sender count, so a shard's clients keep their place in the whole
 * run's schedule and N shards together send what one run would. */
export function shardClients(clients: number, roomOf: (i: number) => number, shard: ShardSpec | undefined): number[] {
  const mine: number[] = [];
  for (let i = 0; i < clients; i++) if (!shard || shardOfRoom(roomOf(i), shard.count) === shard.index) mine.push(i);
  return mine;
}
