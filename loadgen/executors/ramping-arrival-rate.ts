// ramping-arrival-rate (open model): N clients connect over the ramp-up at `startRate`; then the
// overall message rate follows stages (piecewise linear), shared evenly by the senders. Each
// sender's next message comes when its share of the rate, integrated over time, reaches one.
import { z } from 'zod';
import { stages } from '../scenario/fields.js';
import { evenly, integrateUntil, totalMs, defineExecutor, type Stage } from './executor.js';

export const rampingArrivalRate = defineExecutor({
  type: 'ramping-arrival-rate',
  schema: z
    .object({
      type: z.literal('ramping-arrival-rate'),
      startRate: z.number().nonnegative().default(0),
      stages: stages.describe('overall messages per second over time, after the ramp-up'),
    })
    .strict(),
  requires: ['clients'],
  create: (spec, s) => {
    const clients = s.clients!;
    // the plan in absolute time: startRate during the ramp-up, then the stages
    const plan: Stage[] = [{ durationMs: s.rampUp, target: spec.startRate }, ...spec.stages];
    return {
      type: 'ramping-arrival-rate',
      clients,
      durationMs: s.rampUp + totalMs(spec.stages),
      rampEndMs: s.rampUp,
      connectAtMs: evenly(clients, s.rampUp),
      leaveAtMs: () => Infinity,
      nextSendMs: (from, senders, _rate, amount) => (senders > 0 ? integrateUntil(plan, spec.startRate, from, amount, 1 / senders) : Infinity),
    };
  },
});
