// constant-arrival-rate (open model): N clients connect over the ramp-up; the senders among them
// together send `rate` messages/s, each on its own fixed schedule, whatever the server answers.
import { everyMs, rampThenHold, type Executor } from './executor.js';

export function constantArrivalRate(o: { clients: number; rampUpMs: number; durationMs: number; rate: number }): Executor {
  return {
    ...rampThenHold('constant-arrival-rate', o),
    nextSendMs: (from, senders, _rate, amount) => everyMs((1000 * senders) / o.rate, from, amount),
  };
}
