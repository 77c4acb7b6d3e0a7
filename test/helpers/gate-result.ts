// A result with only what the gate's decision reads: server CPU per 1k deliveries and e2e
// percentiles, clean correctness counts. For simulating gates without running servers.
import type { Result } from '../../results/schema.js';

export const gateResult = (cpu: number, p50 = 1): Result =>
  ({
    latencyMs: { e2e: { p50, p99: p50 * 3 } },
    messages: { lost: 0, duplicated: 0, sent: 100, delivered: 1000, refused: 0, unanswered: 0 },
    connections: { failed: 0 },
    server: { cpuMsPer1kDeliveries: cpu },
    generator: { saturated: false },
    checks: [],
  }) as unknown as Result;
