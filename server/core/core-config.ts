// The settings the chat core reads: the semantics every variant shares. ServerConfig (server/
// config.ts) extends it with what only a server process needs (addresses, storage, logging).
export interface CoreConfig {
  historyOnJoin: number; // default history size in `joined` when the client does not ask
  authTimeoutMs: number;
  pingIntervalMs: number;
  pingTimeoutMs: number;
  rate: number; // messages per second per user (token bucket refill)
  burst: number; // bucket size
  abuseStrikes: number; // consecutive RATE_LIMITED answers before close 1008
  maxBodyBytes: number;
  maxRoomsPerConn: number;
  maxConnsPerIp: number; // 0 = unlimited
  maxQueueBytes: number;
  slowConsumer: 'disconnect' | 'drop-oldest';
  injectLatencyMs: number; // FAULT INJECTION: delay every delivery
  injectCpuUs: number; // FAULT INJECTION: burn this much CPU per delivery
}

export const CORE_DEFAULTS: CoreConfig = {
  historyOnJoin: 0,
  authTimeoutMs: 5000,
  pingIntervalMs: 30_000,
  pingTimeoutMs: 10_000,
  rate: 50,
  burst: 100,
  abuseStrikes: 100,
  maxBodyBytes: 8192,
  maxRoomsPerConn: 32,
  maxConnsPerIp: 0,
  maxQueueBytes: 1_048_576,
  slowConsumer: 'disconnect',
  injectLatencyMs: 0,
  injectCpuUs: 0,
};
