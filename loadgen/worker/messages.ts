// Messages between the coordinator and its generator processes (Node IPC, JSON).

export interface WorkerPlan {
  worker: number;
  workers: number;
  target: { host: string; port: number; path: string };
  localAddress?: string;
  secret: string;
  clients: number; // total across all workers; this worker takes indexes i with i % workers == worker
  roomSize: number;
  senders: number;
  messageRate: number;
  bodyBytes: number;
  rampUpMs: number;
  durationMs: number;
  drainMs: number;
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
  peakConnected: number;
  sent: number;
  acked: number;
  delivered: number;
  duplicated: number;
  reordered: number;
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
}

export type FromWorker =
  | { type: 'ready' }
  | ({ type: 'tick'; sec: number; e2e: string; cpuUs: number; loopDelayP99Ms: number } & TickCounts)
  | { type: 'drained'; roomMax: Record<string, number> }
  | { type: 'final'; hist: { e2e: string; e2eUncorrected: string; ack: string; connect: string }; counts: FinalCounts }
  | { type: 'fatal'; message: string };
