// Human-readable lines about a run: the one-line summary and live progress.
import type { Result } from '../reports/schema.js';
import type { SecondAggregate } from './coordinator.js';

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
  return `t=${s.sec + 1}s/${totalSec}s conns ${s.connected} (+${s.connecting} connecting) sent ${s.sent}/s delivered ${s.delivered}/s errors ${s.errors}`;
}

function fmt(n: number): string {
  return n >= 10_000 ? `${(n / 1000).toFixed(1)}k` : String(Math.round(n));
}
