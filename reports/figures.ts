// The figures of a run that people compare, in one list: the HTML summary table and the Markdown
// comparison both show these rows. `metric` is a dotted path into result.json.
import type { Result } from './schema.js';

export interface Figure {
  label: string;
  metric: string; // path into the result
  unit?: string;
  /** How to show the raw value (default: as is). */
  show?: (v: number) => number;
  /** Which way is better, for figures a comparison can call better or worse. */
  better?: 'lower' | 'higher';
}

const KiB = (b: number) => Math.round(b / 102.4) / 10;
const MiB = (b: number) => Math.round(b / 1048576);

export const FIGURES: Figure[] = [
  { label: 'Connections target', metric: 'connections.target' },
  { label: 'Connections peak', metric: 'connections.peak' },
  { label: 'Connections failed', metric: 'connections.failed', better: 'lower' },
  { label: 'Sends/s', metric: 'throughput.sentPerSec' },
  { label: 'Deliveries/s', metric: 'throughput.deliveredPerSec', better: 'higher' },
  { label: 'e2e p50', metric: 'latencyMs.e2e.p50', unit: 'ms', better: 'lower' },
  { label: 'e2e p90', metric: 'latencyMs.e2e.p90', unit: 'ms', better: 'lower' },
  { label: 'e2e p99', metric: 'latencyMs.e2e.p99', unit: 'ms', better: 'lower' },
  { label: 'e2e p99.9', metric: 'latencyMs.e2e.p999', unit: 'ms', better: 'lower' },
  { label: 'e2e max', metric: 'latencyMs.e2e.max', unit: 'ms', better: 'lower' },
  { label: 'e2e p99 (uncorrected)', metric: 'latencyMs.e2eUncorrected.p99', unit: 'ms' },
  { label: 'ack p99', metric: 'latencyMs.ack.p99', unit: 'ms', better: 'lower' },
  { label: 'connect p99', metric: 'latencyMs.connect.p99', unit: 'ms', better: 'lower' },
  { label: 'Delivered', metric: 'messages.delivered' },
  { label: 'Expected', metric: 'messages.expected' },
  { label: 'Lost', metric: 'messages.lost', better: 'lower' },
  { label: 'Duplicated', metric: 'messages.duplicated', better: 'lower' },
  { label: 'Reordered', metric: 'messages.reordered', better: 'lower' },
  { label: 'Server RSS / connection (ramp slope)', metric: 'server.memoryPerConnection.rssBytes', unit: 'KiB', show: KiB, better: 'lower' },
  { label: 'Server heap / connection (ramp slope)', metric: 'server.memoryPerConnection.heapBytes', unit: 'KiB', show: KiB, better: 'lower' },
  { label: 'Server RSS / connection (idle hold)', metric: 'server.idleHold.rssBytesPerConnection', unit: 'KiB', show: KiB, better: 'lower' },
  { label: 'Server peak RSS', metric: 'server.rssBytes', unit: 'MiB', show: MiB, better: 'lower' },
  { label: 'Saturation point (sends/s)', metric: 'saturation.sentPerSec', better: 'higher' },
  { label: 'Server CPU / 1k deliveries', metric: 'server.cpuMsPer1kDeliveries', unit: 'ms', better: 'lower' },
  { label: 'Generator CPU', metric: 'generator.cpuSeconds', unit: 's' },
  { label: 'Generator loop delay p99', metric: 'generator.loopDelayP99Ms', unit: 'ms' },
];

/** The value at a dotted path of a result, or null. */
export function valueAt(r: Result, path: string): number | null {
  let v: unknown = r;
  for (const key of path.split('.')) v = v === null || v === undefined ? undefined : (v as Record<string, unknown>)[key];
  return typeof v === 'number' ? v : null;
}
