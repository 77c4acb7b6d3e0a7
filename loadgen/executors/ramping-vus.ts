// ramping-vus: the number of connected clients follows stages (piecewise linear from 0); client i
// connects when the target first reaches i+1 and leaves when it next falls below i+1.
import { z } from 'zod';
import { stages } from '../scenario/fields.js';
import { everyMs, stageCrossing, totalMs, defineExecutor } from './executor.js';

export const rampingVus = defineExecutor({
  type: 'ramping-vus',
  schema: z.object({ type: z.literal('ramping-vus'), stages: stages.describe('connected clients over time (from 0)') }).strict(),
  requires: [],
  create: (spec) => {
    const peak = Math.max(0, ...spec.stages.map((s) => s.target));
    const peakAt = stageCrossing(spec.stages, peak, true);
    return {
      type: 'ramping-vus',
      clients: peak,
      durationMs: totalMs(spec.stages),
      rampEndMs: Number.isFinite(peakAt) ? peakAt : 0,
      connectAtMs: (i) => stageCrossing(spec.stages, i + 1, true),
      leaveAtMs: (i) => stageCrossing(spec.stages, i + 1, false, 0, stageCrossing(spec.stages, i + 1, true)),
      nextSendMs: (from, _senders, rate, amount) => everyMs(1000 / rate, from, amount),
    };
  },
});
