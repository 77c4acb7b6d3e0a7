// ramping-vus: the number of connected clients follows stages (piecewise linear from 0); client i
// connects when the target first reaches i+1 and leaves when it next falls below i+1.
import { everyMs, stageCrossing, totalMs, type Executor, type Stage } from './executor.js';

export function rampingVus(o: { stages: Stage[] }): Executor {
  const peak = Math.max(0, ...o.stages.map((s) => s.target));
  const peakAt = stageCrossing(o.stages, peak, true);
  return {
    type: 'ramping-vus',
    clients: peak,
    durationMs: totalMs(o.stages),
    rampEndMs: Number.isFinite(peakAt) ? peakAt : 0,
    connectAtMs: (i) => stageCrossing(o.stages, i + 1, true),
    leaveAtMs: (i) => stageCrossing(o.stages, i + 1, false, 0, stageCrossing(o.stages, i + 1, true)),
    nextSendMs: (from, _senders, rate, amount) => everyMs(1000 / rate, from, amount),
  };
}
