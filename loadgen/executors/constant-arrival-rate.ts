// constant-arrival-rate (open model): N clients connect over the ramp-up; the senders among them
// together send `rate` messages/s, each on its own fixed schedule, whatever the server answers.
import { z } from 'zod';
import { everyMs, rampThenHold, defineExecutor } from './executor.js';

export const constantArrivalRate = defineExecutor({
  type: 'constant-arrival-rate',
  schema: z.object({ type: z.literal('constant-arrival-rate'), rate: z.number().positive().describe('messages per second, all senders together') }).strict(),
  requires: ['clients', 'duration'],
  create: (spec, s) => ({
    ...rampThenHold('constant-arrival-rate', { clients: s.clients!, rampUpMs: s.rampUp, durationMs: s.duration! }),
    nextSendMs: (from, senders, _rate, amount) => everyMs((1000 * senders) / spec.rate, from, amount),
  }),
  withRate: (_spec, rate) => ({ executor: { type: 'constant-arrival-rate', rate } }),
});
