// churn: clients arrive at `connectRate` per second for the whole duration and each stays for
// `lifetime`, so about connectRate × lifetime are connected at once.
import { everyMs, type Executor } from './executor.js';

export function churn(o: { connectRate: number; lifetimeMs: number; durationMs: number }): Executor {
  const clients = Math.max(1, Math.floor((o.connectRate * o.durationMs) / 1000));
  return {
    type: 'churn',
    clients,
    durationMs: o.durationMs,
    rampEndMs: Math.min(o.lifetimeMs, o.durationMs),
    connectAtMs: (i) => (i * 1000) / o.connectRate,
    leaveAtMs: (i) => (i * 1000) / o.connectRate + o.lifetimeMs,
    nextSendMs: (from, _senders, rate, amount) => everyMs(1000 / rate, from, amount),
  };
}
