// The load models, k6-style: each executor turns its settings into timing — when each client
// connects and leaves, and how often a sender sends at a moment — as pure functions of time, so
// every generator process computes the same plan and tests can check the math. Each executor is
// one module exporting an ExecutorDefinition (its `executor:` schema, its rules across scenario
// fields, its constructor), listed once in registry.ts.
import type { z } from 'zod';

export interface Stage {
  durationMs: number;
  target: number;
}

export interface Executor {
  readonly type: string;
  /** Clients this run creates (indexes 0 … clients-1). */
  readonly clients: number;
  /** Sending stops here (ms from the start); the drain follows. */
  readonly durationMs: number;
  /** Where the steady (hold) phase starts: throughput and memory-per-connection use it. */
  readonly rampEndMs: number;
  connectAtMs(i: number): number;
  /** When client i leaves for good (Infinity: it stays until the end). */
  leaveAtMs(i: number): number;
  /** When a sender whose last message was intended at `fromMs` sends next: the time at which
   * `amount` (1 for the next message; a random fraction for the first, to spread phases) of its
   * share of the rate has accrued. `senders` is how many senders the run has, `rate` the per-sender
   * rate of its behaviour (messages/s). Infinity: never again in this run. */
  nextSendMs(fromMs: number, senders: number, rate: number, amount: number): number;
}

/** The scenario fields an executor reads besides its own `executor:` block. */
export interface ScenarioTiming {
  clients?: number | undefined;
  rampUp: number;
  duration?: number | undefined;
}

export interface ExecutorDefinition<S extends z.ZodType = z.ZodType> {
  type: string;
  /** Its `executor:` block, with `type` as a literal. */
  schema: S;
  /** Which scenario fields it needs: each missing one is reported with the others. */
  requires: readonly ('clients' | 'duration')[];
  create(spec: z.output<S>, s: ScenarioTiming): Executor;
  /** The scenario change `--rate R` makes for this executor (default: each sender's messageRate). */
  withRate?(spec: z.output<S>, rate: number): Record<string, unknown>;
}

/** An executor module's definition, typed from its schema (`spec` is its parsed block). */
export function defineExecutor<S extends z.ZodType>(d: ExecutorDefinition<S>): ExecutorDefinition<S> {
  return d;
}

/** Everything but the send pacing of an executor whose clients connect evenly over a ramp-up and
 * then stay for `durationMs`. */
export function rampThenHold(type: string, o: { clients: number; rampUpMs: number; durationMs: number }): Omit<Executor, 'nextSendMs'> {
  return {
    type,
    clients: o.clients,
    durationMs: o.rampUpMs + o.durationMs,
    rampEndMs: o.rampUpMs,
    connectAtMs: evenly(o.clients, o.rampUpMs),
    leaveAtMs: () => Infinity,
  };
}

/** connectAtMs for clients connecting evenly over a ramp-up. */
export function evenly(clients: number, rampUpMs: number): (i: number) => number {
  return (i) => (clients > 1 ? (i / clients) * rampUpMs : 0);
}

/** nextSendMs for a constant per-sender interval. */
export function everyMs(intervalMs: number, fromMs: number, amount: number): number {
  return Number.isFinite(intervalMs) && intervalMs > 0 ? fromMs + amount * intervalMs : Infinity;
}

/** The time t ≥ from at which the integral of a piecewise-linear rate (per second, following
 * stages from `start`, constant after the last stage) over [from, t] reaches `amount`. */
export function integrateUntil(stages: Stage[], start: number, fromMs: number, amount: number, scale: number): number {
  let left = amount;
  let t0 = 0;
  let r0 = start;
  const pieces: { from: number; to: number; r0: number; r1: number }[] = [];
  for (const s of stages) {
    pieces.push({ from: t0, to: t0 + s.durationMs, r0, r1: s.target });
    t0 += s.durationMs;
    r0 = s.target;
  }
  pieces.push({ from: t0, to: Infinity, r0, r1: r0 });
  for (const p of pieces) {
    if (p.to <= fromMs) continue;
    const a = Math.max(p.from, fromMs);
    const slope = p.to === Infinity ? 0 : (p.r1 - p.r0) / (p.to - p.from); // per ms
    const ra = (p.r0 + slope * (a - p.from)) * scale; // rate at a, messages per second
    const span = p.to - a;
    const area = span === Infinity ? (ra > 0 ? Infinity : 0) : ((ra + (ra + slope * scale * span)) / 2) * (span / 1000);
    if (area >= left) {
      // solve ra·d/1000 + slope·scale·d²/2000 = left for d ≥ 0
      const k = (slope * scale) / 2000;
      const b = ra / 1000;
      if (Math.abs(k) < 1e-15) return b > 0 ? a + left / b : Infinity;
      const disc = b * b + 4 * k * left;
      return a + (-b + Math.sqrt(Math.max(0, disc))) / (2 * k);
    }
    left -= area;
  }
  return Infinity;
}

/** Value of a piecewise-linear stage plan at time t, starting from `start` at t = 0. */
export function stageValue(stages: Stage[], tMs: number, start = 0): number {
  let from = start;
  let t0 = 0;
  for (const s of stages) {
    if (tMs < t0 + s.durationMs) return from + ((s.target - from) * (tMs - t0)) / s.durationMs;
    from = s.target;
    t0 += s.durationMs;
  }
  return from;
}

/** First time ≥ `after` at which the stage plan reaches `level` going up (or down), or Infinity. */
export function stageCrossing(stages: Stage[], level: number, up: boolean, start = 0, after = 0): number {
  let from = start;
  let t0 = 0;
  for (const s of stages) {
    const end = t0 + s.durationMs;
    const rising = s.target > from;
    if (end > after && ((up && rising && s.target >= level && from < level) || (!up && !rising && s.target < level && from >= level))) {
      const t = s.durationMs === 0 ? t0 : t0 + ((level - from) * s.durationMs) / (s.target - from);
      if (t >= after) return t;
    }
    from = s.target;
    t0 = end;
  }
  return Infinity;
}

export function totalMs(stages: Stage[]): number {
  return stages.reduce((a, s) => a + s.durationMs, 0);
}
