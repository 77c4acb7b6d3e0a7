// churn: clients arrive at `connectRate` per second for the whole duration and each stays for
// `lifetime`, so about connectRate × lifetime are connected at once.
import { z } from 'zod';
import { duration } from '../scenario/fields.js';
import { everyMs, defineExecutor } from './executor.js';

export const churn = defineExecutor({
  type: 'churn',
  schema: z.object({ type: z.literal('churn'), connectRate: z.number().positive().describe('new clients per second'), lifetime: duration.describe('how long each client stays') }).strict(),
  requires: ['duration'],
  create: (spec, s) => {
    const durationMs = s.duration!;
    const clients = Math.max(1, Math.floor((spec.connectRate * durationMs) / 1000));
    return {
      type: 'churn',
      clients,
      durationMs,
      rampEndMs: Math.min(spec.lifetime, durationMs),
      connectAtMs: (i) => (i * 1000) / spec.connectRate,
      leaveAtMs: (i) => (i * 1000) / spec.connectRate + spec.lifetime,
      nextSendMs: (from, _senders, rate, amount) => everyMs(1000 / rate, from, amount),
    };
  },
});
