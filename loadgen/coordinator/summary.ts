// Human-readable lines about a run: the one-line summary and live progress.
import type { Result } from '../../results/schema.js';
import type { SecondAggregate } from './generators.js';
import { mergeEncoded } from '../../results/histogram.js';
import { CAUSE_TEXT } from '../../results/saturation-cause.js';

export function summaryLine(r: Result): string {
  const e2e = r.latencyMs.e2e;
  const m = r.messages;
  const errors = Object.values(r.errors).reduce((a, b) => a + b, 0);
  const parts = [
    `${r.scenario.name}/${r.variant}:`,
    `clients ${r.connections.peak}/${r.connections.target}${r.connections.failed ? ` (${r.connections.failed} failed)` : ''}`,
    `delivered ${fmt(r.throughput.deliveredPerSec)} msg/s`,
    e2e.count ? `e2e p50 ${e2e.p50} ms p99 ${e2e.p99} ms` : 'e2e no data',
    `lost ${m.lost}`,
  ];
  if (m.duplicated) parts.push(`dup ${m.duplicated}`);
  if (m.refused || m.unanswered) parts.push(`sends ${m.sent}: refused ${m.refused}, unanswered ${m.unanswered}`);
  if (errors) parts.push(`errors ${errors} (${topCodes(r.errors)})`);
  const unmatched = r.protocol ? Object.values(r.protocol.unmatched).reduce((a, b) => a + b, 0) : 0;
  if (unmatched) parts.push(`unmatched frames ${unmatched} (${topCodes(r.protocol!.unmatched)})`);
  const broken = r.checks.filter((c) => !c.ok);
  if (broken.length) parts.push(`CHECKS FAILED: ${broken.map((c) => `${c.name} (${c.detail})`).join('; ')}`);
  const failed = r.thresholds.filter((t) => !t.ok);
  if (r.thresholds.length) parts.push(failed.length ? `thresholds FAILED: ${failed.map((t) => t.expression).join('; ')}` : 'thresholds ok');
  return parts.join(' | ');
}

function topCodes(counts: Record<string, number>): string {
  const sorted = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return sorted.slice(0, 3).map(([k, n]) => `${k} ${n}`).join(', ') + (sorted.length > 3 ? ', …' : '');
}

/** What was wrong, in words, below the summary line: the first occurrence of each error code and
 * the first frames the profile matched no rule for (a wrong `message.match` shows here at once). */
export function detailLines(r: Result): string[] {
  const lines = Object.entries(r.errorSamples ?? {}).map(([code, text]) => `  ${code}: ${text}`);
  if (r.protocol?.samples.length) lines.push(`  frames that matched no rule of the ${r.protocol.type} profile, the first ${r.protocol.samples.length}:`, ...r.protocol.samples.map((s) => `    ${s}`));
  return lines;
}

export function saturationWarning(r: Result): string | undefined {
  if (!r.generator.saturated) return undefined;
  return `WARNING: ${CAUSE_TEXT[r.generator.saturationCause ?? 'generator']} (${r.generator.saturationReasons.join('; ')}); latency figures may be the ${r.generator.saturationCause === 'machine' ? "machine's" : "generator's"}, not the server's`;
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
