// constant-vus: N clients connect evenly over the ramp-up and stay; each sender sends at its
// behaviour's rate.
import { everyMs, rampThenHold, type Executor } from './executor.js';

export function constantVus(o: { clients: number; rampUpMs: number; durationMs: number }): Executor {
  return {
    ...rampThenHold('constant-vus', o),
    nextSendMs: (from, _senders, rate, amount) => everyMs(1000 / rate, from, amount),
  };
}
