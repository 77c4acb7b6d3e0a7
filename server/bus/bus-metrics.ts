// The bus's figures on /metrics (summed over threads in the workers variant).
import { Counter, type Registry } from 'prom-client';
import { readCounter, readGauge } from '../metrics.js';
import type { RedisBus } from './redis-bus.js';

export function addBusMetrics(register: Registry, bus: RedisBus): void {
  const s = bus.stats;
  readGauge(register, 'chatbench_bus_up', 'Both Redis connections of the bus are ready (1) or not (0)', () => (bus.up ? 1 : 0));
  readCounter(register, 'chatbench_bus_published_total', 'Messages this node numbered in Redis (acked to their senders)', () => s.published);
  readCounter(register, 'chatbench_bus_publish_retried_total', 'Publishes in flight when Redis went away, run again when it came back (idempotent per message id)', () => s.publishRetried);
  readCounter(register, 'chatbench_bus_publish_failed_total', 'Says answered UNAVAILABLE because Redis did not answer', () => s.publishFailed);
  new Counter({
    name: 'chatbench_bus_received_total',
    help: 'Numbered messages received from the bus, by origin: this node (local) or another (remote)',
    labelNames: ['origin'],
    registers: [register],
    collect(this: Counter<'origin'>) {
      this.reset();
      this.inc({ origin: 'local' }, s.receivedLocal);
      this.inc({ origin: 'remote' }, s.receivedRemote);
    },
  });
  readCounter(register, 'chatbench_bus_remote_deliveries_total', 'Deliveries here of messages sent on another node', () => s.deliveredRemote);
  readCounter(register, 'chatbench_bus_duplicates_total', 'Bus messages received twice (dropped)', () => s.duplicates);
  readCounter(register, 'chatbench_bus_gap_fills_total', 'Seq gaps read back from a room stream', () => s.gapFills);
  readCounter(register, 'chatbench_bus_recovered_total', 'Messages delivered from a room stream after a gap', () => s.recovered);
  readCounter(register, 'chatbench_bus_unrecovered_total', 'Seqs a gap fill could not find (trimmed from the stream): never delivered here', () => s.unrecovered);
  readCounter(register, 'chatbench_bus_seq_resets_total', 'Rooms whose seq went back (Redis lost data)', () => s.resets);
  readCounter(register, 'chatbench_bus_disconnects_total', 'Times the node lost Redis', () => s.disconnects);
  readCounter(register, 'chatbench_bus_down_seconds_total', 'Time without Redis', () => (s.downMs + (bus.up ? 0 : s.downSinceMs ? Date.now() - s.downSinceMs : 0)) / 1000);
}
