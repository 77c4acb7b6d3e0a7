// Messages between the coordinator and its generator processes (Node IPC, JSON).
import type { Scenario } from '../scenario/schema.js';
import type { ShardSpec } from './population.js';

export interface Target {
  host: string;
  port: number;
  path: string;
}

export interface WorkerPlan {
  worker: number;
  workers: number;
  /** Servers; a room lives on targets[roomIndex % targets.length]. */
  targets: Target[];
  /** Loopback source addresses this process binds its clients to, round robin. */
  localAddresses: string[];
  secret: string;
  /** Sign tokens with this private JWK instead of HS256 with the secret. */
  tokenKey?: JsonWebKey;
  scenario: Scenario;
  /** Only this shard's rooms (a sharded run: docs/distributed.md). */
  shard?: ShardSpec;
}

export interface TickCounts {
  connected: number; // open and joined right now
  connecting: number;
  sent: number;
  acked: number;
  delivered: number;
  errors: number;
}

export type ToWorker =
  | { type: 'plan'; plan: WorkerPlan }
  | { type: 'start'; t0Us: number }
  | { type: 'finalize'; roomMax: Record<string, number> };

export interface FinalCounts {
  connectOk: number;
  connectFailed: number;
  connectRetries: number;
  reconnects: number;
  resumes: number; // dropped by the server, back on the next server, resumed from the last seq
  peakConnected: number;
  sent: number;
  acked: number;
  refused: number;
  refusedByCode: Record<string, number>;
  abandoned: number; // in flight when their sender left on purpose
  unanswered: number; // sent, neither acked nor refused nor abandoned when the process drained
  delivered: number;
  duplicated: number;
  reordered: number;
  recovered: number; // deliveries read back with `history` after a resume
  expected: number;
  lost: number;
  errors: Record<string, number>;
  closes: Record<string, number>;
  cpuUserUs: number;
  cpuSystemUs: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Memory before any client existed, for the cost per simulated client. */
  baselineRssBytes: number;
  baselineHeapBytes: number;
  /** Memory while the most clients were connected (sampled each second). */
  peakClientsRssBytes: number;
  peakClientsHeapBytes: number;
  drainClients: number; // connected when sending ended and the process drained
  drainRssBytes: number;
  drainHeapBytes: number;
  drainAfterGc: boolean;
  clients: number;
  /** marker protocols: how often each profile rule matched, frames that matched none by kind, and
   * the first few of those */
  errorSamples?: Record<string, string>;
  protocol?: { rules: Record<string, number>; unmatched: Record<string, number>; samples: string[] };
}

export type FromWorker =
  | { type: 'ready' }
  | ({ type: 'tick'; sec: number; e2e: string; cpuUs: number; loopDelayP99Ms: number } & TickCounts)
  | { type: 'drained'; roomMax: Record<string, number> }
  | { type: 'final'; hist: { e2e: string; e2eUncorrected: string; ack: string; connect: string; instrument?: string }; counts: FinalCounts }
  | { type: 'fatal'; message: string };
