// ramping-arrival-rate (open model): N clients connect over the ramp-up at `startRate`; then the
// overall message rate follows stages (piecewise linear), shared evenly by the senders. Each
// sender's next message comes when its share of the rate, integrated over time, reaches one.
import { evenly, integrateUntil, totalMs, type Executor, type Stage } from './executor.js';

export function rampingArrivalRate(o: { clients: number; rampUpMs: number; startRate: number; stages: Stage[] }): Executor {
  // the plan in absolute time: startRate during the ramp-up, then the stages
  const plan: Stage[] = [{ durationMs: o.rampUpMs, target: o.startRate }, ...o.stages];
  return {
    type: 'ramping-arrival-rate',
    clients: o.clients,
    durationMs: o.rampUpMs + totalMs(o.stages),
    rampEndMs: o.rampUpMs,
    connectAtMs: evenly(o.clients, o.rampUpMs),
    leaveAtMs: () => Infinity,
    nextSendMs: (from, senders, _rate, amount) => (senders > 0 ? integrateUntil(plan, o.startRate, from, amount, 1 / senders) : Infinity),
  };
}
