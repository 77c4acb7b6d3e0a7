// Pass/fail thresholds from scenario files: "<metric> <op> <number>", evaluated on a result.
import type { Result } from '../reports/schema.js';
import { THRESHOLD_PATTERN } from './scenario/schema.js';

const LATENCIES = ['e2e', 'e2eUncorrected', 'ack', 'connect'] as const;
const STATS = ['min', 'mean', 'p50', 'p90', 'p99', 'p999', 'max'] as const;

const METRICS: Record<string, (r: Result) => number | null> = {
  lost: (r) => r.messages.lost,
  duplicated: (r) => r.messages.duplicated,
  reordered: (r) => r.messages.reordered,
  delivered: (r) => r.messages.delivered,
  sent: (r) => r.messages.sent,
  errors: (r) => Object.values(r.errors).reduce((a, b) => a + b, 0),
  'connections.failed': (r) => r.connections.failed,
  'connections.peak': (r) => r.connections.peak,
  'throughput.sentPerSec': (r) => r.throughput.sentPerSec,
  'throughput.deliveredPerSec': (r) => r.throughput.deliveredPerSec,
  'server.memoryPerConnection.rssBytes': (r) => r.server.memoryPerConnection?.rssBytes ?? null,
  'server.memoryPerConnection.heapBytes': (r) => r.server.memoryPerConnection?.heapBytes ?? null,
  'server.idleHold.rssBytesPerConnection': (r) => r.server.idleHold?.rssBytesPerConnection ?? null,
  'server.idleHold.heapBytesPerConnection': (r) => r.server.idleHold?.heapBytesPerConnection ?? null,
  'connections.reconnects': (r) => r.connections.reconnects,
};
for (const l of LATENCIES) for (const s of STATS) METRICS[`${l}.${s}`] = (r) => r.latencyMs[l][s];

export const THRESHOLD_METRICS = Object.keys(METRICS);

export function unknownThresholdMetric(expression: string): string | undefined {
  const m = THRESHOLD_PATTERN.exec(expression);
  return m && !(m[1]! in METRICS) ? m[1] : undefined;
}

export function evaluateThresholds(expressions: string[], result: Result): Result['thresholds'] {
  return expressions.map((expression) => {
    const m = THRESHOLD_PATTERN.exec(expression)!;
    const actual = METRICS[m[1]!]!(result);
    const limit = Number(m[3]);
    const ok = actual !== null && compare(actual, m[2]!, limit);
    return { expression, actual, ok };
  });
}

function compare(a: number, op: string, b: number): boolean {
  switch (op) {
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    case '>=': return a >= b;
    case '==': return a === b;
    default: return a !== b;
  }
}
