// The executors, listed once: the scenario schema's `executor:` union, the rules across fields,
// the constructor and `--rate` all come from this list. Adding an executor is one module and one
// line here.
import { z } from 'zod';
import { churn } from './churn.js';
import { constantArrivalRate } from './constant-arrival-rate.js';
import { constantVus } from './constant-vus.js';
import type { Executor, ExecutorDefinition, ScenarioTiming } from './executor.js';
import { rampingArrivalRate } from './ramping-arrival-rate.js';
import { rampingVus } from './ramping-vus.js';

const EXECUTORS = [constantVus, rampingVus, constantArrivalRate, rampingArrivalRate, churn] as const;

export const ExecutorSchema = z.discriminatedUnion('type', EXECUTORS.map((e) => e.schema) as unknown as [(typeof EXECUTORS)[number]['schema'], ...(typeof EXECUTORS)[number]['schema'][]]);
export type ExecutorSpec = z.output<typeof ExecutorSchema>;

function definition(type: string): ExecutorDefinition | undefined {
  return (EXECUTORS as readonly ExecutorDefinition[]).find((e) => e.type === type);
}

export function createExecutor(s: ScenarioTiming & { executor: ExecutorSpec }): Executor {
  return definition(s.executor.type)!.create(s.executor, s);
}

/** Fields the raw scenario lacks for its executor (reported with every other problem). */
export function executorProblems(raw: Record<string, unknown>): string[] {
  const type = (raw.executor as { type?: unknown } | undefined)?.type ?? constantVus.type;
  const e = definition(String(type));
  if (!e) return []; // the schema reports the unknown type
  return e.requires.filter((field) => raw[field] === undefined).map((field) => `${field}: expected ${field === 'clients' ? 'a number of clients' : 'a duration'} (required by executor ${e.type})`);
}

/** What `--rate R` changes in a scenario with this executor. */
export function rateOverride(spec: ExecutorSpec, rate: number): Record<string, unknown> {
  return definition(spec.type)!.withRate?.(spec, rate) ?? { messageRate: rate };
}
