// Human-readable lines about a run: the one-line summary and live progress.
import type { Result } from '../reports/schema.js';
import type { SecondAggregate } from './coordinator.js';
import { mergeEncoded } from './histogram.js';

export function summaryLine(r: Result): string {
  const e2e = r.latencyMs.e2e;
  const parts = [
    `${r.scenario.name}/${r.variant}:`,
    `clients ${r.connections.peak}/${r.connections.target}${r.connections.failed ? ` (${r.connections.failed} failed)` : ''}`,
    `delivered ${fmt(r.throughput.deliveredPerSec)} msg/s`,
    `e2e p50 ${e2e.p50} ms p99 ${e2e.p99} ms`,
    `lost ${r.messages.lost}`,
  ];
  if (r.messages.duplicated) parts.push(`dup ${r.messages.duplicated}`);
  const failed = r.thresholds.filter((t) => !t.ok);
  if (r.thresholds.length) parts.push(failed.length ? `thresholds FAILED: ${failed.map((t) => t.expression).join('; ')}` : 'thresholds ok');
  return parts.join(' | ');
}

export function saturationWarning(r: Result): string | undefined {
  if (!r.generator.saturated) return undefined;
  return `WARNING: the load generator may have been the bottleneck (${r.generator.saturationReasons.join('; ')}); latency figures may be the generator's, not the server's`;
}

export function progressLine(s: SecondAggregate, totalSec: number): string {
  const h = mergeEncoded(s.e2e);
  const p99 = h.totalCount ? `${(h.getValueAtPercentile(99) / 1000).toFixed(1)} ms` : '-';
  const left = Math.max(0, Math.ceil(totalSec - (s.sec + 1)));
  return `t=${s.sec + 1}s (${left}s left) conns ${s.connected} (+${s.connecting} connecting) sent ${s.sent}/s delivered ${s.delivered}/s e2e p99 ${p99} errors ${s.errors}`;
}

function fmt(n: number): string {
  return n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : String(Math.round(n));
}
