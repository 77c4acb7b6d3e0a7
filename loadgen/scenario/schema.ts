// The scenario file format, defined once: zod validates it and exports the JSON Schema that
// editors use (scenarios/scenario.schema.json).
import { z } from 'zod';
import { ExecutorSchema, executorProblems } from '../executors/registry.js';
import { ProtocolSchema } from '../protocols/registry.js';
import { duration } from './fields.js';
import { VARIANTS } from '../../lib/variants.js';
import { THRESHOLD_PATTERN } from '../../results/thresholds.js';

const weight = z.number().nonnegative();
const BehavioursSchema = z
  .object({
    chatty: z
      .object({
        weight,
        rate: z.number().nonnegative().optional().describe('messages/s per sender (default: messageRate); arrival-rate executors share their rate instead'),
        waitForAck: z.boolean().default(false).describe('closed loop: never more than one message in flight'),
      })
      .strict()
      .optional(),
    lurker: z.object({ weight }).strict().optional(),
    'slow-consumer': z.object({ weight, pauseEvery: duration.default(5000), pauseFor: duration.default(2000) }).strict().optional(),
    reconnector: z.object({ weight, every: duration.default(10_000) }).strict().optional(),
  })
  .strict()
  .refine((b) => Object.values(b).some((x) => x && x.weight > 0), { message: 'expected at least one behaviour with a weight above 0' });
export type BehavioursSpec = z.output<typeof BehavioursSchema>;

const ROOMS_EXPECTED = 'expected { size: N } or { count: N, distribution?: "uniform" | "zipf", exponent?: N }';
const RoomsSchema = z.union(
  [
  z.object({ size: z.number().int().min(1).max(200_000).describe('consecutive clients share a room of this size') }).strict(),
  z
    .object({
      count: z.number().int().min(1).max(200_000),
      distribution: z.enum(['uniform', 'zipf']).default('uniform'),
      exponent: z.number().positive().default(1).describe('zipf exponent: higher puts more clients in the first rooms'),
    })
    .strict(),
  ],
  { error: (iss) => (iss.input === undefined ? `required: ${ROOMS_EXPECTED}` : ROOMS_EXPECTED) },
);
export type RoomsSpec = z.output<typeof RoomsSchema>;

const share = z.number().min(0).max(1);
/** Limits of the always-on sanity checks (results/sanity.ts); docs/loadgen.md explains each. */
export const SanitySchema = z
  .object({
    maxConnectFailedShare: share.default(0.01).describe('connections that failed, as a share of the clients planned'),
    maxRefusedShare: share.default(0.01).describe('sends answered with an error frame, as a share of sends'),
    maxUnansweredShare: share.default(0.01).describe('sends with neither ack nor error by the end of the drain, as a share of sends'),
    maxProtocolErrors: z.number().int().nonnegative().default(0).describe('frames the generator counted as protocol violations (CLIENT_* errors)'),
  })
  .strict();

const BYTES_EXPECTED = 'expected a number of bytes from 1,024 to 268,435,456';

export const ScenarioSchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'expected a name of letters, digits, "_", "." or "-"'),
    description: z.string().optional(),
    variant: z.enum(VARIANTS).default('coroutine'),
    executor: ExecutorSchema.default({ type: 'constant-vus' }),
    clients: z.number().int().min(1).max(200_000).optional().describe('required by every executor but ramping-vus and churn'),
    rampUp: duration.default(0),
    duration: duration.optional().describe('hold after the ramp-up; required by constant-* and churn'),
    drain: duration.default(5000),
    connectTimeout: duration.default(10_000).describe('a client not joined within this (TCP, upgrade, ready, joined) gives up the attempt'),
    maxFrameBytes: z
      .number({ error: BYTES_EXPECTED })
      .int(BYTES_EXPECTED)
      .min(1024, BYTES_EXPECTED)
      .max(268_435_456, BYTES_EXPECTED)
      .default(1_048_576)
      .describe('largest frame a server may send; a larger one closes that connection with 1009'),
    sanity: SanitySchema.default({ maxConnectFailedShare: 0.01, maxRefusedShare: 0.01, maxUnansweredShare: 0.01, maxProtocolErrors: 0 }).describe(
      'limits of the checks every run passes beside its thresholds',
    ),
    rooms: RoomsSchema,
    senders: z.number().min(0).max(1).optional().describe('shorthand for behaviours: this fraction chatty, the rest lurkers'),
    behaviours: BehavioursSchema.optional(),
    messageRate: z.number().min(0).max(1000).default(1).describe('messages per second per chatty sender (VU and churn executors)'),
    bodyBytes: z.number().int().min(0).max(65_536).default(64),
    servers: z.number().int().min(1).max(16).default(1).describe('embedded server processes; rooms are spread over them (room k on server k mod N), or, with a bus, each room\'s members are (client i on server i mod N)'),
    bus: z
      .enum(['none', 'redis'])
      .default('none')
      .describe('redis: the servers share rooms through Redis (a redis-server started for the run, or the --target servers\' own), and every room spans the servers'),
    busFsync: z
      .enum(['always', 'everysec'])
      .default('always')
      .describe('appendfsync of the redis-server a bus: redis run starts: always (an ack survives kill -9 of Redis) or everysec (cheaper; acked messages can be lost)'),
    resumeOnDrop: z.boolean().default(false).describe('a joined client the server drops reconnects (to the next server, with a bus) and reads what it missed with `history`'),
    faults: z
      .array(
        z
          .object({
            at: duration.describe('seconds into the run'),
            action: z.enum(['kill-server', 'restart-redis']),
            server: z.number().int().min(0).max(15).default(0).describe('kill-server: which embedded server gets SIGKILL'),
            downFor: duration.default(1000).describe('restart-redis: how long Redis stays down (SIGKILL, then the same port and AOF)'),
          })
          .strict(),
      )
      .default([])
      .describe('faults injected into embedded servers and Redis during the run'),
    generators: z.number().int().min(1).max(64).optional().describe('generator processes (default: one per 12,500 clients)'),
    server: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).default({}).describe('options passed to `chatbench serve` when the run starts its own servers'),
    protocol: ProtocolSchema.default({ type: 'chatbench' }).describe('what the server speaks: chatbench (its own protocol, the default), json (a profile of the server\'s own JSON frames) or socket.io; docs/protocols.md'),
    auth: z
      .enum(['HS256', 'ES256', 'RS256', 'EdDSA'])
      .default('HS256')
      .describe('how clients sign their tokens: HS256 with the secret; otherwise embedded servers verify against a fresh key pair (--jwks), a --target needs --token-key'),
    thresholds: z
      .array(z.string().regex(THRESHOLD_PATTERN, 'expected "<metric> <op> <number>", e.g. "e2e.p99 < 250"'))
      .default([]),
  })
  .strict();

/** Rules across fields, checked on the raw input so they are reported together with every other
 * problem (zod skips refinements of an object that already has errors). */
export function crossFieldProblems(raw: Record<string, unknown>): string[] {
  const problems = executorProblems(raw);
  if (raw.senders !== undefined && raw.behaviours !== undefined) problems.push('senders: expected either senders or behaviours, not both');
  const servers = typeof raw.servers === 'number' ? raw.servers : 1;
  const protocol = (raw.protocol as { type?: unknown } | undefined)?.type;
  if (protocol !== undefined && protocol !== 'chatbench') {
    // a server without seqs has no history to resume from, and a closed loop needs answers
    if (raw.resumeOnDrop === true) problems.push(`resumeOnDrop: needs protocol type chatbench (resuming reads what was missed with its history); protocol ${String(protocol)} has none`);
    const p = raw.protocol as { say?: { reply?: unknown; ack?: unknown } };
    const chatty = (raw.behaviours as { chatty?: { waitForAck?: unknown } } | undefined)?.chatty;
    if (chatty?.waitForAck === true && p.say?.reply === undefined && p.say?.ack !== true) problems.push('behaviours.chatty.waitForAck: a closed loop waits for answers: give protocol.say a reply (json) or ack: true (socket.io)');
  }
  if (Array.isArray(raw.faults)) {
    raw.faults.forEach((f: unknown, i) => {
      const fault = f as { action?: unknown; server?: unknown };
      if (fault.action === 'restart-redis' && raw.bus !== 'redis') problems.push(`faults.${i}.action: restart-redis needs bus: redis`);
      if (typeof fault.server === 'number' && fault.server >= servers) problems.push(`faults.${i}.server: expected a server index below servers (${servers})`);
    });
  }
  return problems;
}

export type Scenario = z.output<typeof ScenarioSchema>;

/** The behaviours a scenario implies: `senders` is shorthand for chatty + lurker. */
export function behavioursOf(s: Scenario): BehavioursSpec {
  if (s.behaviours) return s.behaviours;
  const senders = s.senders ?? 1;
  return { chatty: { weight: senders, waitForAck: false }, lurker: { weight: 1 - senders } };
}
