// Prometheus metrics: process metrics from prom-client (process-metrics.ts) plus the chat core's counters, read at
// scrape time (the hot paths only bump plain numbers).
import { getHeapStatistics } from 'node:v8';
import { Counter, Gauge, Registry } from 'prom-client';
import { collectProcessMetrics } from './process-metrics.js';
import { LoopDelay } from '../lib/loop-delay.js';
import type { ChatCore } from './core/chat-core.js';

export function createMetrics(core: ChatCore, labels: Record<string, string>, defaults = true): Registry {
  const register = new Registry();
  register.setDefaultLabels(labels);
  if (defaults) collectProcessMetrics(register);
  const s = core.stats;
  const counter = (name: string, help: string, read: () => number) => readCounter(register, name, help, read);
  const gauge = (name: string, help: string, read: () => number) => readGauge(register, name, help, read);

  gauge('chatbench_connections', 'Open WebSocket connections', () => s.connectionsOpen);
  counter('chatbench_connections_total', 'WebSocket connections accepted', () => s.connectionsTotal);
  counter('chatbench_frames_in_total', 'Frames received from clients', () => s.framesIn);
  counter('chatbench_frames_out_total', 'Frames sent to clients', () => s.framesOut);
  counter('chatbench_messages_total', 'Chat messages accepted (say)', () => s.messagesAccepted);
  counter('chatbench_deliveries_total', 'msg frames fanned out to room members', () => s.deliveries);
  counter('chatbench_dropped_frames_total', 'Frames dropped by the drop-oldest slow-consumer policy', () => s.droppedFrames);
  counter('chatbench_slow_consumer_disconnects_total', 'Connections closed for a full outgoing queue', () => s.slowConsumerDisconnects);
  gauge('chatbench_queued_bytes', 'Bytes waiting in outgoing queues', () => s.queuedBytes);
  addIsolateMetrics(register);
  gauge('chatbench_rooms', 'Rooms known to this server', () => core.rooms.count);
  new Counter({
    name: 'chatbench_errors_total',
    help: 'Error frames sent, by code',
    labelNames: ['code'],
    registers: [register],
    collect(this: Counter<'code'>) {
      this.reset();
      for (const [code, n] of s.errors) this.inc({ code }, n);
    },
  });
  new Counter({
    name: 'chatbench_closes_total',
    help: 'Connections closed, by close code',
    labelNames: ['code'],
    registers: [register],
    collect(this: Counter<'code'>) {
      this.reset();
      for (const [code, n] of s.closes) this.inc({ code: String(code) }, n);
    },
  });
  new Gauge({
    name: 'chatbench_core_entries',
    help: 'Per-connection bookkeeping of the chat core (sessions, users, ips, memberships): leak detection',
    labelNames: ['map'],
    registers: [register],
    collect(this: Gauge<'map'>) {
      for (const [map, n] of Object.entries(core.entries())) this.set({ map }, n);
    },
  });
  new Gauge({
    name: 'chatbench_active_resources',
    help: 'Active libuv resources by type (process.getActiveResourcesInfo): leak detection',
    labelNames: ['type'],
    registers: [register],
    collect(this: Gauge<'type'>) {
      this.reset();
      const counts = new Map<string, number>();
      for (const t of process.getActiveResourcesInfo()) counts.set(t, (counts.get(t) ?? 0) + 1);
      for (const [type, n] of counts) this.set({ type }, n);
    },
  });
  return register;
}

/** A counter whose value is read from a plain number at scrape time. */
export function readCounter(register: Registry, name: string, help: string, read: () => number): Counter {
  return new Counter({
    name,
    help,
    registers: [register],
    collect(this: Counter) {
      this.reset();
      this.inc(read());
    },
  });
}

export function readGauge(register: Registry, name: string, help: string, read: () => number): Gauge {
  return new Gauge({
    name,
    help,
    registers: [register],
    collect(this: Gauge) {
      this.set(read());
    },
  });
}

/** Metrics of one V8 isolate (thread): heap and event-loop delay. Summed (heap) or maxed (delay)
 * when the workers variant aggregates its threads. */
export function addIsolateMetrics(register: Registry, opts: { loopDelay: boolean } = { loopDelay: true }): void {
  if (opts.loopDelay) addLoopDelay(register);
  new Gauge({
    name: 'chatbench_heap_used_bytes',
    help: 'V8 heap used (summed over threads)',
    registers: [register],
    collect(this: Gauge) {
      this.set(getHeapStatistics().used_heap_size); // not process.memoryUsage(): that reads RSS from /proc too
    },
  });
}

/** The server samples its loop every 20 ms, not the generator's 10: the sampling timer wakes an
 * otherwise idle loop each time, and at 10 ms it was the largest fixed cost of a light run (≈ 90 ms
 * of the ≈ 450 ms a 200-client gate-fanout run without messages costs, measured with and without
 * it; docs/performance.md). A block still shows as the part of it past a sample's due time. */
export const SERVER_LOOP_RESOLUTION_MS = 20;

function addLoopDelay(register: Registry): void {
  const loop = new LoopDelay({ wholeRun: false, resolutionMs: SERVER_LOOP_RESOLUTION_MS }); // read per scrape (reset), never run-wide
  new Gauge({
    name: 'chatbench_eventloop_delay_p99_seconds',
    help: `Event-loop delay p99 beyond the ${SERVER_LOOP_RESOLUTION_MS} ms sampling interval, since the previous scrape (worst chat thread)`,
    aggregator: 'max',
    registers: [register],
    collect(this: Gauge) {
      this.set(loop.percentileMs(99) / 1000);
      loop.reset();
    },
  });
}

/** The process-wide registry of the workers variant's main thread. It serves no connection, so
 * it runs no loop-delay monitor (a timer that wakes the loop): its threads report. */
export function createProcessMetrics(labels: Record<string, string>): Registry {
  const register = new Registry();
  register.setDefaultLabels(labels);
  collectProcessMetrics(register);
  addIsolateMetrics(register, { loopDelay: false });
  return register;
}
