// One registry of executors: the scenario's `executor.type` picks the constructor.
import type { ExecutorSpec } from '../scenario/schema.js';
import { churn } from './churn.js';
import { constantArrivalRate } from './constant-arrival-rate.js';
import { constantVus } from './constant-vus.js';
import type { Executor } from './executor.js';
import { rampingArrivalRate } from './ramping-arrival-rate.js';
import { rampingVus } from './ramping-vus.js';

export interface ExecutorInput {
  executor: ExecutorSpec;
  clients?: number | undefined;
  rampUp: number;
  duration?: number | undefined;
}

export function createExecutor(s: ExecutorInput): Executor {
  const e = s.executor;
  switch (e.type) {
    case 'constant-vus':
      return constantVus({ clients: s.clients!, rampUpMs: s.rampUp, durationMs: s.duration! });
    case 'ramping-vus':
      return rampingVus({ stages: e.stages });
    case 'constant-arrival-rate':
      return constantArrivalRate({ clients: s.clients!, rampUpMs: s.rampUp, durationMs: s.duration!, rate: e.rate });
    case 'ramping-arrival-rate':
      return rampingArrivalRate({ clients: s.clients!, rampUpMs: s.rampUp, startRate: e.startRate, stages: e.stages });
    case 'churn':
      return churn({ connectRate: e.connectRate, lifetimeMs: e.lifetime, durationMs: s.duration! });
  }
}
