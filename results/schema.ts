// The result file contract (result.json), defined once. Producers (loadgen) and consumers
// (reports, ci) import only this. A change that breaks readers bumps SCHEMA_VERSION and is
// described in docs/results.md. The JSON Schema export is results/result.schema.json.
import { z } from 'zod';

export const SCHEMA_VERSION = 2;
/** Versions this chatbench reads: version 1 files are read as version 2 (upgradeV1). */
export const READABLE_VERSIONS = [1, 2] as const;

// Version 2: an empty histogram is "no data" (null), never 0 ms.
const stat = z.number().nullable();
const latency = z
  .object({
    count: z.number().int().nonnegative(),
    min: stat,
    mean: stat,
    p50: stat,
    p90: stat,
    p99: stat,
    p999: stat,
    max: stat,
    hdr: z.string().describe('HdrHistogram compressed base64, values in microseconds'),
  })
  .describe('latency in milliseconds; every figure null when count is 0 (no data)');

const count = z.number().int().nonnegative();

export const SeriesRowSchema = z.object({
  t: z.number().describe('seconds since the start of the run'),
  connections: count,
  sent: count,
  acked: count.default(0),
  delivered: count,
  errors: count,
  e2eP50: z.number().nullable(),
  e2eP99: z.number().nullable(),
  serverRssBytes: z.number().nullable(),
  serverHeapBytes: z.number().nullable(),
  serverCpuPct: z.number().nullable().describe('server CPU in % of one core over the second'),
  serverLoopDelayP99Ms: z.number().nullable(),
  generatorCpuPct: z.number(),
  generatorLoopDelayP99Ms: z.number(),
  hostStealPct: z.number().nullable().optional().describe("% of all the host's CPU time stolen by the hypervisor in the second (/proc/stat)"),
  hostCpuSomePct: z.number().nullable().optional().describe('% of the second some task waited for a CPU (/proc/pressure/cpu "some")'),
  hostIoFullPct: z.number().nullable().optional().describe('% of the second every non-idle task waited for IO (/proc/pressure/io "full")'),
  hostMemoryFullPct: z.number().nullable().optional().describe('% of the second every non-idle task waited for memory (/proc/pressure/memory "full")'),
});

export const ResultSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  tool: z.object({ name: z.literal('chatbench'), version: z.string() }),
  scenario: z.object({ name: z.string(), file: z.string().optional(), config: z.record(z.string(), z.unknown()) }),
  variant: z.string().describe('server variant, or "external" for --target'),
  label: z.string().optional().describe('what the command that ran it called this run (the gate: "baseline" or "candidate")'),
  target: z.string(),
  startedAt: z.string().describe('ISO 8601 UTC'),
  durationSec: z.number(),
  env: z.object({
    node: z.string(),
    platform: z.string(),
    arch: z.string(),
    cpus: z.number().int(),
    cpuModel: z.string(),
    totalMemBytes: z.number(),
    gitCommit: z.string().optional(),
    gitCommitDate: z.string().optional().describe("the commit's committer date (ISO 8601): chatbench history orders commits by it"),
    serverGitCommit: z.string().optional().describe("an embedded server's checkout when it was another than the generator's (the gate's --baseline-dir / --candidate-dir)"),
    serverGitCommitDate: z.string().optional(),
    pinning: z
      .object({ server: z.string(), generator: z.string() })
      .optional()
      .describe('CPU lists the embedded servers and the generator were pinned to (taskset), when they were'),
  }),
  connections: z.object({
    target: count,
    peak: count,
    failed: count,
    retries: count,
    reconnects: count.default(0).describe('planned reconnects (reconnector behaviour)'),
    resumes: count.default(0).describe('clients the server dropped that came back (on the next server) and resumed from their last seq (resumeOnDrop)'),
  }),
  messages: z.object({
    sent: count,
    acked: count,
    refused: count.describe('sends answered with an error frame (by code in refusedByCode)'),
    refusedByCode: z.record(z.string(), count),
    abandoned: count.describe('sends still in flight when their sender left on purpose (churn, reconnects): nothing could answer them'),
    unanswered: count.describe('sends with neither ack nor error frame by the end of the drain, abandoned ones apart'),
    delivered: count,
    expected: count,
    lost: count,
    duplicated: count,
    reordered: count,
    recovered: count.default(0).describe('deliveries a resumed client read back with `history` (counted in delivered too)'),
  }),
  latencyMs: z.object({ e2e: latency, e2eUncorrected: latency, ack: latency, connect: latency }),
  throughput: z.object({
    sentPerSec: z.number().describe('mean over the hold phase (after ramp-up)'),
    deliveredPerSec: z.number(),
  }),
  server: z.object({
    pid: z.number().int().optional().describe('the first embedded server process'),
    pids: z.array(z.number().int()).optional().describe('every embedded server process (for a --server-cmd, its process group; CPU and RSS are of the whole process tree)'),
    command: z.string().optional().describe('the shell command that started the server (--server-cmd, the gate\'s --baseline-cmd/--candidate-cmd)'),
    rssBytes: z.number().nullable().describe('peak RSS seen'),
    heapUsedBytes: z.number().nullable().describe('peak JS heap used seen (all threads)'),
    cpuSeconds: z.number().nullable(),
    memoryPerConnection: z
      .object({ rssBytes: z.number(), heapBytes: z.number().nullable().describe('null when the server reports no JS heap (a server measured from /proc only)'), samples: count })
      .nullable()
      .describe('least-squares slope of memory against open connections during the ramp; null when the ramp spans fewer than 1,000 connections'),
    cpuMsPer1kDeliveries: z.number().nullable(),
    steadyCpuMsPer1kDeliveries: z
      .number()
      .nullable()
      .optional()
      .describe('server CPU per 1k deliveries over the steady seconds only (past the ramp, before the end: no start, connects, drain or stop); null when under 2 s'),
    idleHold: z
      .object({ rssBytesPerConnection: z.number(), heapBytesPerConnection: z.number().nullable().describe('null when the server reports no JS heap'), connections: count })
      .nullable()
      .optional()
      .describe('(memory over the last seconds of the hold − memory before any connection) / connections held'),
  }),
  generator: z.object({
    processes: z.number().int(),
    cpuSeconds: z.number(),
    rssBytes: z.number().describe('sum over generator processes at the end'),
    bytesPerClient: z
      .object({
        rss: z.number(),
        heap: z.number(),
        clients: count.optional().describe('clients the figure divides by'),
        when: z
          .enum(['end-after-gc', 'end', 'peak'])
          .optional()
          .describe('end-after-gc: live memory after a full, compacting GC once sending ended; end: the same without a GC; peak: at the most clients, garbage included'),
      })
      .nullable()
      .optional()
      .describe('generator memory per simulated client: (memory − memory before any client, both live after a full GC) / clients'),
    loopDelayP99Ms: z.number(),
    loopDelayMaxMs: z.number(),
    saturated: z.boolean(),
    saturationReasons: z.array(z.string()),
    saturationCause: z
      .enum(['generator', 'machine', 'both'])
      .nullable()
      .optional()
      .describe('why a saturated run is not to be trusted: its generator was busy, the machine stalled (steal, IO or memory pressure in the same seconds), or both; null when not saturated'),
    instrumentDelayMs: latency
      .optional()
      .describe("the instrument's own delay, sampled on one delivery in 8: from the start of the loop turn that read the delivery's socket to its record (time it waited behind other sockets read in that turn)"),
  }),
  host: z
    .object({
      maxStealPct: z.number().nullable(),
      maxIoFullPct: z.number().nullable(),
      maxMemoryFullPct: z.number().nullable(),
      stalledSeconds: z.array(z.number()).describe(`seconds whose steal, IO or memory "full" pressure reached the stall limit`),
    })
    .optional()
    .describe("the machine's own stall signals over the run (per second in series)"),
  errors: z.record(z.string(), count).describe('error frames and client-side failures, by code'),
  errorSamples: z.record(z.string(), z.string()).optional().describe('the first occurrence of an error code, in words, with the frame that caused it (cut): what was wrong'),
  closes: z.record(z.string(), count).describe('connections closed during the run, by close code'),
  saturation: z
    .object({ p99LimitMs: z.number(), atSec: z.number(), sentPerSec: z.number(), deliveredPerSec: z.number() })
    .nullable()
    .optional()
    .describe('the first second whose e2e p99 passed the limit (250 ms), and the load at that moment: where the system saturates'),
  checks: z
    .array(z.object({ name: z.string(), ok: z.boolean(), actual: z.number().nullable(), limit: z.string(), detail: z.string() }))
    .describe('the sanity checks every run passes beside its thresholds (a run that measured nothing fails them)'),
  thresholds: z.array(z.object({ expression: z.string(), actual: z.number().nullable(), ok: z.boolean() })),
  series: z.array(SeriesRowSchema),
  bus: z
    .object({
      kind: z.literal('redis'),
      messages: count.describe('messages the nodes numbered in Redis over the run'),
      crossNodeShare: z.number().nullable().describe('share of deliveries whose sender sat on another node'),
      nodes: z.array(
        z.object({
          url: z.string(),
          deliveries: count,
          deliveriesFromOtherNodes: count,
          published: count,
          publishFailed: count,
          gapFills: count,
          recovered: count.describe('messages read back from the stream after a gap'),
          unrecovered: count.describe('seqs the stream no longer held: never delivered by this node'),
          disconnects: count.describe('times the node lost Redis'),
          downSec: z.number(),
          reachable: z.boolean().describe('false when its last /metrics came before the end (killed, or stopped answering)'),
        }),
      ),
      redis: z
        .object({ cpuSeconds: z.number(), cpuMsPer1kMessages: z.number().nullable(), usedMemoryPeakBytes: z.number(), rssBytes: z.number() })
        .nullable()
        .describe('from INFO of the redis-server the run started; null against --target'),
    })
    .optional()
    .describe('set when the servers share rooms on a Redis bus (scenario bus: redis)'),
  protocol: z
    .object({
      type: z.string().describe("the scenario's protocol type (json, socket.io, …)"),
      rules: z.record(z.string(), count).describe('how many frames each rule of the profile matched (message.match, join.reply, say.reply; socket.io: message.event, join.ack, say.ack)'),
      unmatched: z.record(z.string(), count).describe('frames that matched no rule, by kind (their type/op/event field, or their keys)'),
      samples: z.array(z.string()).describe('the first few frames that matched no rule, cut to 200 characters'),
    })
    .optional()
    .describe('set for protocols measured with a marker (any but chatbench): what the profile matched, and what came instead'),
  faults: z
    .array(z.object({ action: z.enum(['kill-server', 'restart-redis']), atSec: z.number(), target: z.string(), error: z.string().optional() }))
    .optional()
    .describe('faults the run injected (scenario faults), when and where'),
  gateRound: z
    .object({
      mode: z.enum(['simultaneous', 'sequential']),
      round: z.number().int().nonnegative().describe('0-based'),
      t0: z.string().describe("the schedule's start (ISO 8601): in a simultaneous round, the same instant for both sides"),
      share: z.string().optional().describe('I/N: the part of the clients this side ran (rooms dealt as to shards)'),
    })
    .optional()
    .describe('a run of a gate round (chatbench gate): its mode, round and start'),
  shard: z
    .object({
      index: z.number().int().nonnegative(),
      count: z.number().int().positive(),
      runId: z.string().describe('the same in every shard of one run'),
      t0: z.string().describe("the schedule's start on this shard's wall clock (ISO 8601): merge aligns per-second rows on it"),
      startAt: z.string().optional().describe('the --start-at every shard aimed for'),
      lateMs: z.number().nonnegative().describe('how far after startAt this shard started (0 when on time or without startAt)'),
    })
    .optional()
    .describe('set on one shard of a sharded run (chatbench run --shard I/N); absent from whole runs and merged results'),
  merged: z
    .object({
      runId: z.string(),
      shards: z.number().int().positive(),
      serverFiguresFrom: z.string().describe('which part probed the server: its figures are the merged result\'s'),
      maxLateMs: z.number().nonnegative(),
      t0SpreadMs: z.number().nonnegative().describe('latest minus earliest shard start'),
    })
    .optional()
    .describe('set on a result merged from shards (chatbench merge)'),
});

export type Result = z.infer<typeof ResultSchema>;
export type SeriesRow = z.infer<typeof SeriesRowSchema>;
export type LatencySummary = z.infer<typeof latency>;

export function resultJsonSchema(): unknown {
  return z.toJSONSchema(ResultSchema, { target: 'draft-2020-12' });
}

/** Parse a result file's JSON, naming what is wrong (and the version) when it does not fit. */
export function parseResult(raw: unknown, source: string): Result {
  const version = (raw as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (!(READABLE_VERSIONS as readonly unknown[]).includes(version)) {
    throw new Error(`${source}: schemaVersion ${JSON.stringify(version)} is not supported (this chatbench reads ${READABLE_VERSIONS.join(' and ')})`);
  }
  const r = ResultSchema.safeParse(version === 1 ? upgradeV1(raw as Record<string, unknown>) : raw);
  if (!r.success) {
    throw new Error(`${source}: not a valid result file\n${r.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`).join('\n')}`);
  }
  return r.data;
}

/** A version 1 file as version 2: its empty histograms' zeros become "no data"; it counted no
 * refusals nor unanswered sends (0, as it reported them) and ran no sanity checks. */
function upgradeV1(raw: Record<string, unknown>): unknown {
  const latency = { ...(raw.latencyMs as Record<string, Record<string, unknown>> | undefined) };
  for (const [key, h] of Object.entries(latency)) {
    if (h && h.count === 0) latency[key] = { ...h, min: null, mean: null, p50: null, p90: null, p99: null, p999: null, max: null };
  }
  const messages = { refused: 0, refusedByCode: {}, abandoned: 0, unanswered: 0, ...(raw.messages as Record<string, unknown> | undefined) };
  return { ...raw, schemaVersion: SCHEMA_VERSION, latencyMs: latency, messages, checks: raw.checks ?? [] };
}
