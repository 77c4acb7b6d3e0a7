// constant-vus: N clients connect evenly over the ramp-up and stay; each sender sends at its
// behaviour's rate.
import { evenly, everyMs, type Executor } from './executor.js';

export function constantVus(o: { clients: number; rampUpMs: number; durationMs: number }): Executor {
  return {
    type: 'constant-vus',
    clients: o.clients,
    durationMs: o.rampUpMs + o.durationMs,
    rampEndMs: o.rampUpMs,
    connectAtMs: evenly(o.clients, o.rampUpMs),
    leaveAtMs: () => Infinity,
    nextSendMs: (from, _senders, rate, amount) => everyMs(1000 / rate, from, amount),
  };
}
