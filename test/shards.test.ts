// Sharded runs without processes: who runs which clients, when a shard starts, and what merge
// accepts and refuses. (The run end to end: test/measurement/shards.test.ts.)
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LateStartError, parseShard, parseStartAt, runIdOf, ShardError, startDelay } from '../loadgen/coordinator/shard.js';
import { roomMapper, shardClients } from '../loadgen/worker/population.js';
import { createHistogram, encode, mergeEncoded, record } from '../results/histogram.js';
import { MergeRefusedError, mergeShards, shardProblems, type ShardPart } from '../results/shard-merge.js';
import { parseResult, type Result } from '../results/schema.js';
import { seededRandom } from '../ci/stats.js';

const base = parseResult(JSON.parse(readFileSync('test/fixtures/result-v2.json', 'utf8')), 'result-v2.json');

function shard(index: number, count: number, extra: Partial<Result> = {}, t0 = '2026-11-30T12:00:00.000Z'): ShardPart {
  const result: Result = { ...structuredClone(base), shard: { index, count, runId: 'run-a', t0, lateMs: 0 }, ...extra };
  return { source: `shard-${index}/result.json`, schemaVersion: 2, result };
}

describe('which clients a shard runs', () => {
  it('deals whole rooms round robin: every client in exactly one shard, every room in one shard', () => {
    for (const rooms of [{ size: 7 }, { count: 13, distribution: 'uniform' as const, exponent: 1 }, { count: 9, distribution: 'zipf' as const, exponent: 1 }]) {
      const roomOf = roomMapper(rooms, 1000);
      const parts = [0, 1, 2].map((index) => shardClients(1000, roomOf, { index, count: 3 }));
      expect(parts.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
      const shardsOfRoom = new Map<number, Set<number>>();
      parts.forEach((clients, s) => clients.forEach((i) => shardsOfRoom.set(roomOf(i), (shardsOfRoom.get(roomOf(i)) ?? new Set()).add(s))));
      for (const shards of shardsOfRoom.values()) expect(shards.size).toBe(1);
    }
    expect(shardClients(10, (i) => i, undefined)).toHaveLength(10);
  });

  it('reads I/N, or the index of a Kubernetes Indexed Job for auto/N, and names what is wrong', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard('auto/8', { JOB_COMPLETION_INDEX: '7' })).toEqual({ index: 7, count: 8 });
    expect(() => parseShard('auto/8', {})).toThrow(/JOB_COMPLETION_INDEX is not set/);
    expect(() => parseShard('4/4')).toThrow(/index 4 is not below the shard count 4/);
    expect(() => parseShard('1-4')).toThrow(ShardError);
    expect(parseStartAt('2026-11-30T12:00:00Z')).toBe(Date.parse('2026-11-30T12:00:00Z'));
    expect(parseStartAt('1796040000000')).toBe(1796040000000);
    expect(() => parseStartAt('soon')).toThrow(/expected an ISO 8601 time/);
  });

  it('waits for --start-at, starts a little late saying how late, and fails past --max-late', () => {
    expect(startDelay(10_000, 2000, 7000)).toEqual({ waitMs: 3000, lateMs: 0 });
    expect(startDelay(10_000, 2000, 11_500)).toEqual({ waitMs: 0, lateMs: 1500 });
    expect(() => startDelay(10_000, 2000, 12_500)).toThrow(LateStartError);
  });

  it('gives every shard of one Job the same run id, from their shared arguments', () => {
    const a = runIdOf({ name: 's' }, 4, 1000);
    expect(runIdOf({ name: 's' }, 4, 1000)).toBe(a);
    expect(runIdOf({ name: 's' }, 4, 2000)).not.toBe(a);
    expect(runIdOf({ name: 's' }, 4, 1000, 'given')).toBe('given');
  });
});

describe('merging shards', () => {
  it('adds histograms exactly: the shards merged are, byte for byte, the histogram of all their values', () => {
    const random = seededRandom(7);
    const parts = [0, 1, 2, 3].map(() => createHistogram());
    const whole = createHistogram();
    for (let n = 0; n < 40_000; n++) {
      const us = Math.round(1000 * Math.exp(random() * 6)); // 1 ms … 400 ms, heavy-tailed
      record(parts[n % 4]!, us);
      record(whole, us);
    }
    expect(encode(mergeEncoded(parts.map(encode)))).toBe(encode(whole));
  });

  it('refuses, naming each problem: a missing or repeated index, another run, another scenario, mixed versions', () => {
    expect(shardProblems([shard(0, 3), shard(2, 3), shard(2, 3)])).toEqual([
      'shard 2 given 2 times: shard-2/result.json, shard-2/result.json',
      'missing shard 1 of 3',
    ]);
    const other = shard(1, 2);
    other.result.shard!.runId = 'run-b';
    expect(shardProblems([shard(0, 2), other])[0]).toMatch(/^run ids \(shards of different runs\) differ: "run-a" in shard-0\/result.json; "run-b" in shard-1\/result.json/);
    const changed = shard(1, 2);
    changed.result.scenario = { ...changed.result.scenario, config: { ...changed.result.scenario.config, messageRate: 99 } };
    expect(shardProblems([shard(0, 2), changed])).toEqual([expect.stringMatching(/^scenario configs differ/)]);
    const v1 = { ...shard(1, 2), schemaVersion: 1 };
    expect(shardProblems([shard(0, 2), v1])).toEqual([expect.stringMatching(/^schema versions differ: 2 in shard-0\/result.json; 1 in shard-1\/result.json/)]);
    const whole = { source: 'run/result.json', schemaVersion: 2, result: structuredClone(base) };
    expect(shardProblems([whole])).toEqual([expect.stringMatching(/run\/result.json is not a shard/)]);
    expect(() => mergeShards([shard(0, 2)])).toThrow(MergeRefusedError);
  });

  it('aligns per-second rows by wall-clock second and gives the same bytes in any order', () => {
    const rows = (n: number) => base.series.slice(0, 3).map((r, t) => ({ ...r, t, sent: n }));
    const a = shard(0, 2, { series: rows(1) });
    const b = shard(1, 2, { series: rows(10) }, '2026-11-30T12:00:01.200Z'); // started 1.2 s later
    const m = mergeShards([a, b]);
    expect(m.series.map((r) => [r.t, r.sent])).toEqual([[0, 1], [1, 11], [2, 11], [3, 10]]);
    expect(m.merged).toEqual({ runId: 'run-a', shards: 2, serverFiguresFrom: 'shard 0', maxLateMs: 0, t0SpreadMs: 1200 });
    expect(m.shard).toBeUndefined();
    expect(JSON.stringify(mergeShards([b, a]))).toBe(JSON.stringify(m));
  });
});
