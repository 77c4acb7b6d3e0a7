// constant-vus: N clients connect evenly over the ramp-up and stay; each sender sends at its
// behaviour's rate.
import { z } from 'zod';
import { everyMs, rampThenHold, defineExecutor } from './executor.js';

export const constantVus = defineExecutor({
  type: 'constant-vus',
  schema: z.object({ type: z.literal('constant-vus') }).strict(),
  requires: ['clients', 'duration'],
  create: (_spec, s) => ({
    ...rampThenHold('constant-vus', { clients: s.clients!, rampUpMs: s.rampUp, durationMs: s.duration! }),
    nextSendMs: (from, _senders, rate, amount) => everyMs(1000 / rate, from, amount),
  }),
});
