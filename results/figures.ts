// The one catalog of a result's figures. Each entry: the name thresholds use (`e2e.p99`), the
// dotted path into result.json (`latencyMs.e2e.p99`), a label, a unit and how to show it, which
// way is better, and whether the summary tables show it. Thresholds, the HTML and Markdown tables,
// the headline charts and the gate all read this list: adding a figure is adding an entry.
import type { Result } from './schema.js';

export interface Figure {
  /** What thresholds (and `--metric`) call it. */
  name: string;
  /** Dotted path into result.json. */
  metric: string;
  label: string;
  unit?: string;
  /** How to show the raw value (default: as is). */
  show?: (v: number) => number;
  /** Which way is better, for figures a comparison can call better or worse. */
  better?: 'lower' | 'higher';
  /** Shown in the summary tables (HTML and Markdown), in catalog order. */
  table?: boolean;
  /** Figures that are not one value of the file (a sum, say). */
  compute?: (r: Result) => number | null;
}

const KiB = (b: number) => Math.round(b / 102.4) / 10;
const MiB = (b: number) => Math.round(b / 1048576);

const LATENCIES = { e2e: 'e2e', e2eUncorrected: 'e2e (uncorrected)', ack: 'ack', connect: 'connect' } as const;
const STATS = { min: 'min', mean: 'mean', p50: 'p50', p90: 'p90', p99: 'p99', p999: 'p99.9', max: 'max' } as const;
const latency = (l: keyof typeof LATENCIES, s: keyof typeof STATS, table = false): Figure => ({
  name: `${l}.${s}`,
  metric: `latencyMs.${l}.${s}`,
  label: `${LATENCIES[l]} ${STATS[s]}`,
  unit: 'ms',
  ...(l === 'e2eUncorrected' ? {} : { better: 'lower' as const }),
  table,
});
const same = (metric: string, label: string, more: Partial<Figure> = {}): Figure => ({ name: metric, metric, label, table: true, ...more });

const TABLE: Figure[] = [
  same('connections.target', 'Connections target'),
  same('connections.peak', 'Connections peak'),
  same('connections.failed', 'Connections failed', { better: 'lower' }),
  same('throughput.sentPerSec', 'Sends/s'),
  same('throughput.deliveredPerSec', 'Deliveries/s', { better: 'higher' }),
  latency('e2e', 'p50', true),
  latency('e2e', 'p90', true),
  latency('e2e', 'p99', true),
  latency('e2e', 'p999', true),
  latency('e2e', 'max', true),
  latency('e2eUncorrected', 'p99', true),
  latency('ack', 'p99', true),
  latency('connect', 'p99', true),
  { name: 'delivered', metric: 'messages.delivered', label: 'Delivered', table: true },
  { name: 'expected', metric: 'messages.expected', label: 'Expected', table: true },
  { name: 'lost', metric: 'messages.lost', label: 'Lost', better: 'lower', table: true },
  { name: 'duplicated', metric: 'messages.duplicated', label: 'Duplicated', better: 'lower', table: true },
  { name: 'reordered', metric: 'messages.reordered', label: 'Reordered', better: 'lower', table: true },
  same('server.memoryPerConnection.rssBytes', 'Server RSS / connection (ramp slope)', { unit: 'KiB', show: KiB, better: 'lower' }),
  same('server.memoryPerConnection.heapBytes', 'Server heap / connection (ramp slope)', { unit: 'KiB', show: KiB, better: 'lower' }),
  same('server.idleHold.rssBytesPerConnection', 'Server RSS / connection (idle hold)', { unit: 'KiB', show: KiB, better: 'lower' }),
  same('server.rssBytes', 'Server peak RSS', { unit: 'MiB', show: MiB, better: 'lower' }),
  same('saturation.sentPerSec', 'Saturation point (sends/s)', { better: 'higher' }),
  same('server.cpuMsPer1kDeliveries', 'Server CPU / 1k deliveries', { unit: 'ms', better: 'lower' }),
  { ...same('server.steadyCpuMsPer1kDeliveries', 'Server CPU / 1k deliveries (steady seconds)', { unit: 'ms', better: 'lower' }), table: false },
  same('generator.cpuSeconds', 'Generator CPU', { unit: 's' }),
  same('generator.loopDelayP99Ms', 'Generator loop delay p99', { unit: 'ms' }),
  same('generator.instrumentDelayMs.p50', "Instrument's own delay p50 (in-turn wait)", { unit: 'ms' }),
  same('generator.instrumentDelayMs.p99', "Instrument's own delay p99 (in-turn wait)", { unit: 'ms' }),
  same('host.maxStealPct', 'Host CPU steal, worst second', { unit: '%' }),
  same('host.maxIoFullPct', 'Host IO full pressure, worst second', { unit: '%' }),
];

/** Figures thresholds and the gate may name, beyond the tables. */
const MORE: Figure[] = [
  { name: 'sent', metric: 'messages.sent', label: 'Sent' },
  { name: 'refused', metric: 'messages.refused', label: 'Sends refused', better: 'lower' },
  { name: 'unanswered', metric: 'messages.unanswered', label: 'Sends unanswered', better: 'lower' },
  { name: 'errors', metric: 'errors', label: 'Errors (all codes)', better: 'lower', compute: (r) => Object.values(r.errors).reduce((a, b) => a + b, 0) },
  { ...same('connections.reconnects', 'Planned reconnects'), table: false },
  { ...same('server.idleHold.heapBytesPerConnection', 'Server heap / connection (idle hold)', { unit: 'KiB', show: KiB, better: 'lower' }), table: false },
  ...(Object.keys(LATENCIES) as (keyof typeof LATENCIES)[]).flatMap((l) =>
    (Object.keys(STATS) as (keyof typeof STATS)[]).filter((s) => !TABLE.some((f) => f.name === `${l}.${s}`)).map((s) => latency(l, s)),
  ),
];

export const FIGURES: readonly Figure[] = [...TABLE, ...MORE];
export const TABLE_FIGURES: readonly Figure[] = TABLE;

/** A figure by its name or its path. */
export function figure(nameOrPath: string): Figure | undefined {
  return FIGURES.find((f) => f.name === nameOrPath) ?? FIGURES.find((f) => f.metric === nameOrPath);
}

/** The value at a dotted path of a result, or null. */
export function valueAt(r: Result, path: string): number | null {
  let v: unknown = r;
  for (const key of path.split('.')) v = v === null || v === undefined ? undefined : (v as Record<string, unknown>)[key];
  return typeof v === 'number' ? v : null;
}

/** A figure's value in a result (null: no data). */
export function figureValue(r: Result, f: Figure): number | null {
  return f.compute ? f.compute(r) : valueAt(r, f.metric);
}
