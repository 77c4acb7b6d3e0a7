// A sharded run (docs/distributed.md): which shard this process is, the run it belongs to, and
// when its schedule starts. Every shard of a run is started with the same arguments (a Kubernetes
// Indexed Job gives each pod only its JOB_COMPLETION_INDEX), so what they must agree on — the run
// id, the start instant — is derived from those arguments, never from the moment a pod came up.
import { createHash } from 'node:crypto';
import type { ShardSpec } from '../worker/population.js';

export class ShardError extends Error {}

export interface ShardRun extends ShardSpec {
  runId: string;
}

/** "I/N", or "auto/N" with I from JOB_COMPLETION_INDEX (a Kubernetes Indexed Job). */
export function parseShard(spec: string, env: NodeJS.ProcessEnv = process.env): ShardSpec {
  const m = /^(\d+|auto)\/(\d+)$/.exec(spec.trim());
  if (!m) throw new ShardError(`--shard ${spec}: expected I/N (I from 0) or auto/N`);
  const count = Number(m[2]);
  let index: number;
  if (m[1] === 'auto') {
    const raw = env.JOB_COMPLETION_INDEX;
    if (raw === undefined || !/^\d+$/.test(raw)) throw new ShardError(`--shard auto/${count}: JOB_COMPLETION_INDEX is ${raw === undefined ? 'not set' : `"${raw}", not an index`} (set by a Kubernetes Indexed Job)`);
    index = Number(raw);
  } else index = Number(m[1]);
  if (count < 1) throw new ShardError(`--shard ${spec}: N must be at least 1`);
  if (index >= count) throw new ShardError(`--shard ${spec}: index ${index} is not below the shard count ${count}`);
  return { index, count };
}

/** ISO 8601 or epoch milliseconds. */
export function parseStartAt(spec: string): number {
  const ms = /^\d+$/.test(spec) ? Number(spec) : Date.parse(spec);
  if (!Number.isFinite(ms)) throw new ShardError(`--start-at ${spec}: expected an ISO 8601 time (2026-11-30T12:00:00Z) or epoch milliseconds`);
  return ms;
}

/** The id every shard of one run computes alike: from the scenario, the shard count and the
 * start instant (pods of one Job share all three), unless given. */
export function runIdOf(scenarioConfig: unknown, count: number, startAtMs: number | undefined, given?: string): string {
  if (given) return given;
  const h = createHash('sha256').update(JSON.stringify({ scenarioConfig, count, startAtMs: startAtMs ?? null }));
  return h.digest('hex').slice(0, 16);
}

export class LateStartError extends Error {}

/** How long to wait before the schedule starts (ms): until `startAtMs`, or 0 and how late when it
 * has passed. Later than `maxLateMs` is a shard that cannot make the start: it fails. */
export function startDelay(startAtMs: number, maxLateMs: number, nowMs = Date.now()): { waitMs: number; lateMs: number } {
  const waitMs = startAtMs - nowMs;
  if (waitMs >= 0) return { waitMs, lateMs: 0 };
  if (-waitMs > maxLateMs) {
    throw new LateStartError(`this shard cannot make --start-at ${new Date(startAtMs).toISOString()}: ready ${(-waitMs / 1000).toFixed(1)} s after it (more than --max-late ${maxLateMs / 1000} s); start the shards earlier or set a later --start-at`);
  }
  return { waitMs: 0, lateMs: -waitMs };
}
