// The scenario file format, defined once: zod validates it and exports the JSON Schema that
// editors use (scenarios/scenario.schema.json).
import { z } from 'zod';
import { parseDuration } from '../../lib/duration.js';

const duration = z
  .union([z.number().nonnegative(), z.string()])
  .refine((v) => parseDuration(v) !== undefined, { message: 'expected a duration like "500ms", "20s", "2m" or a number of seconds' })
  .transform((v) => parseDuration(v)!);

export const THRESHOLD_PATTERN = /^\s*([a-z][a-zA-Z0-9_.]*)\s*(<=|>=|==|!=|<|>)\s*(-?\d+(?:\.\d+)?)\s*$/;

export const ScenarioSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected a name of letters, digits, "_", "." or "-"'),
    description: z.string().optional(),
    variant: z.enum(['coroutine', 'callback', 'workers']).default('coroutine'),
    clients: z.number().int().min(1).max(200_000),
    rampUp: duration.default(0),
    duration: duration,
    drain: duration.default(5000),
    rooms: z.object({ size: z.number().int().min(1).max(100_000) }).strict(),
    senders: z.number().min(0).max(1).default(1).describe('fraction of clients that send; the rest only receive'),
    messageRate: z.number().min(0).max(1000).describe('messages per second per sender'),
    bodyBytes: z.number().int().min(0).max(65_536).default(64),
    generators: z.number().int().min(1).max(64).optional().describe('generator processes (default: one per 12,500 clients)'),
    server: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}).describe('options passed to `chatbench serve` when the run starts its own server'),
    thresholds: z
      .array(z.string().regex(THRESHOLD_PATTERN, 'expected "<metric> <op> <number>", e.g. "e2e.p99 < 250"'))
      .default([]),
  })
  .strict();

export type ScenarioInput = z.input<typeof ScenarioSchema>;
export type Scenario = z.output<typeof ScenarioSchema>;
