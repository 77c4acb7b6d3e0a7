// constant-arrival-rate (open model): N clients connect over the ramp-up; the senders among them
// together send `rate` messages/s, each on its own fixed schedule, whatever the server answers.
import { evenly, everyMs, type Executor } from './executor.js';

export function constantArrivalRate(o: { clients: number; rampUpMs: number; durationMs: number; rate: number }): Executor {
  return {
    type: 'constant-arrival-rate',
    clients: o.clients,
    durationMs: o.rampUpMs + o.durationMs,
    rampEndMs: o.rampUpMs,
    connectAtMs: evenly(o.clients, o.rampUpMs),
    leaveAtMs: () => Infinity,
    nextSendMs: (from, senders, _rate, amount) => everyMs((1000 * senders) / o.rate, from, amount),
  };
}
