// The shards of one sharded run (chatbench run --shard I/N) as one result: checked first — one
// run, one scenario, one schema version, every index exactly once — then merged (merge.ts) with
// their per-second rows aligned by wall-clock second. Order-independent: shards are sorted by
// index, so the same files give byte-identical figures however they are listed.
import { memoryPerConnection } from './memory-fit.js';
import { mergeResults } from './merge.js';
import type { Result } from './schema.js';

export interface ShardPart {
  /** Where it came from, for messages. */
  source: string;
  /** The file's own schemaVersion, before any upgrade on read. */
  schemaVersion: unknown;
  result: Result;
}

export class MergeRefusedError extends Error {
  constructor(readonly problems: string[]) {
    super(`cannot merge these results:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** JSON with object keys sorted: two configs are the same scenario when these strings are equal. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

/** Everything that stops these parts from being one run, in words (empty: they are). */
export function shardProblems(parts: ShardPart[]): string[] {
  if (parts.length === 0) return ['no results given'];
  const problems: string[] = [];
  const notShards = parts.filter((p) => !p.result.shard);
  for (const p of notShards) problems.push(`${p.source} is not a shard (no "shard" field): merge takes the results of one \`chatbench run --shard I/N\` run`);
  if (notShards.length) return problems;
  const differ = <T>(what: string, key: (p: ShardPart) => T) => {
    const values = new Map<string, string[]>();
    for (const p of parts) {
      const k = JSON.stringify(key(p));
      values.set(k, [...(values.get(k) ?? []), p.source]);
    }
    if (values.size > 1) problems.push(`${what} differ: ${[...values].map(([v, sources]) => `${v} in ${sources.join(', ')}`).join('; ')}`);
  };
  differ('schema versions', (p) => p.schemaVersion);
  differ('run ids (shards of different runs)', (p) => p.result.shard!.runId);
  differ('shard counts', (p) => p.result.shard!.count);
  const configs = new Set(parts.map((p) => canonical(p.result.scenario.config)));
  if (configs.size > 1) problems.push(`scenario configs differ (${parts.map((p) => `${p.source}: ${p.result.scenario.name}`).join(', ')}): every shard must run the same scenario with the same overrides`);
  differ('chatbench versions', (p) => p.result.tool.version);
  const count = Math.max(...parts.map((p) => p.result.shard!.count));
  const seen = new Map<number, string[]>();
  for (const p of parts) seen.set(p.result.shard!.index, [...(seen.get(p.result.shard!.index) ?? []), p.source]);
  for (const [index, sources] of [...seen].sort(([a], [b]) => a - b)) if (sources.length > 1) problems.push(`shard ${index} given ${sources.length} times: ${sources.join(', ')}`);
  const missing = Array.from({ length: count }, (_, i) => i).filter((i) => !seen.has(i));
  if (missing.length) problems.push(`missing shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')} of ${count}`);
  return problems;
}

export function mergeShards(parts: ShardPart[]): Result {
  const problems = shardProblems(parts);
  if (problems.length) throw new MergeRefusedError(problems);
  const sorted = [...parts].sort((a, b) => a.result.shard!.index - b.result.shard!.index).map((p) => p.result);
  const t0 = sorted.map((r) => Date.parse(r.shard!.t0));
  const first = Math.min(...t0);
  const merged = mergeResults(sorted, { offsetsSec: t0.map((t) => Math.round((t - first) / 1000)) });
  delete merged.shard;
  merged.merged = {
    runId: sorted[0]!.shard!.runId,
    shards: sorted.length,
    serverFiguresFrom: serverSource(sorted),
    maxLateMs: Math.max(...sorted.map((r) => r.shard!.lateMs)),
    t0SpreadMs: Math.max(...t0) - first,
  };
  // a server without a connection gauge gave shard 0 no fit: fit its RSS against all shards' clients
  if (merged.server.memoryPerConnection === null) merged.server.memoryPerConnection = fitOnSeries(merged);
  return merged;
}

function serverSource(sorted: Result[]): string {
  const i = sorted.findIndex((r) => r.server.cpuSeconds !== null || r.server.rssBytes !== null);
  return i < 0 ? 'none: no shard had server figures' : `shard ${sorted[i]!.shard!.index}`;
}

/** The ramp: every second up to the first one at the most connections. */
function fitOnSeries(r: Result): Result['server']['memoryPerConnection'] {
  const peak = Math.max(0, ...r.series.map((row) => row.connections));
  const end = r.series.findIndex((row) => row.connections === peak);
  const ramp = r.series.slice(0, end + 1).filter((row) => row.serverRssBytes !== null);
  return memoryPerConnection(ramp.map((row) => ({ connections: row.connections, rss: row.serverRssBytes!, heap: row.serverHeapBytes })));
}
