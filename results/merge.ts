// Several results of one test as one (the parts of a run split over processes or machines):
// histograms added — never percentiles averaged — counts and codes summed, per-second rows added
// by second, the generator flagged saturated if any part was, and the checks and thresholds
// evaluated again on the whole. Server figures come from one place: the first result that has
// them (the part that probed the server). A pure function: the same parts give the same result.
import { mergeEncoded, summarize } from './histogram.js';
import { sanityChecks, type SanityLimits } from './sanity.js';
import type { Result, SeriesRow } from './schema.js';
import { evaluateThresholds } from './thresholds.js';

const LATENCIES = ['e2e', 'e2eUncorrected', 'ack', 'connect'] as const;
const DEFAULT_LIMITS: SanityLimits = { maxConnectFailedShare: 0.01, maxRefusedShare: 0.01, maxUnansweredShare: 0.01, maxProtocolErrors: 0 };

function addCounts(all: Record<string, number>[]): Record<string, number> {
  const total: Record<string, number> = {};
  for (const counts of all) for (const [k, n] of Object.entries(counts)) total[k] = (total[k] ?? 0) + n;
  return Object.fromEntries(Object.entries(total).sort(([a], [b]) => a.localeCompare(b)));
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const maxKnown = (xs: (number | null | undefined)[]) => {
  const known = xs.filter((x): x is number => typeof x === 'number');
  return known.length ? Math.max(...known) : null;
};
type Cause = Result['generator']['saturationCause'];
const maxOrNull = (xs: (number | null)[]) => (xs.some((x) => x === null) ? null : Math.max(...(xs as number[])));

/** Per-second rows of the parts added by second: counts summed, e2e percentiles the worst part's
 * (a row keeps no histogram), server columns from the part that has them. */
function mergeSeries(parts: Result[], offsetsSec: number[]): SeriesRow[] {
  const shifted = parts.map((r, i) => r.series.map((row) => ({ ...row, t: row.t + (offsetsSec[i] ?? 0) })));
  const seconds = [...new Set(shifted.flatMap((rows) => rows.map((row) => row.t)))].sort((a, b) => a - b);
  const bySecond = shifted.map((rows) => new Map(rows.map((row) => [row.t, row])));
  return seconds.map((t) => {
    const rows = bySecond.map((m) => m.get(t)).filter((row): row is SeriesRow => row !== undefined);
    const server = rows.find((row) => row.serverRssBytes !== null) ?? rows[0]!;
    return {
      t,
      connections: sum(rows.map((r) => r.connections)),
      sent: sum(rows.map((r) => r.sent)),
      acked: sum(rows.map((r) => r.acked)),
      delivered: sum(rows.map((r) => r.delivered)),
      errors: sum(rows.map((r) => r.errors)),
      e2eP50: maxOrNull(rows.map((r) => r.e2eP50).filter((v) => v !== null)),
      e2eP99: maxOrNull(rows.map((r) => r.e2eP99).filter((v) => v !== null)),
      serverRssBytes: server.serverRssBytes,
      serverHeapBytes: server.serverHeapBytes,
      serverCpuPct: server.serverCpuPct,
      serverLoopDelayP99Ms: server.serverLoopDelayP99Ms,
      generatorCpuPct: sum(rows.map((r) => r.generatorCpuPct)),
      generatorLoopDelayP99Ms: Math.max(...rows.map((r) => r.generatorLoopDelayP99Ms)),
      // one machine's stall figures (shards on several machines: the worst)
      ...(rows.some((r) => r.hostStealPct !== undefined)
        ? { hostStealPct: maxKnown(rows.map((r) => r.hostStealPct)), hostCpuSomePct: maxKnown(rows.map((r) => r.hostCpuSomePct)), hostIoFullPct: maxKnown(rows.map((r) => r.hostIoFullPct)), hostMemoryFullPct: maxKnown(rows.map((r) => r.hostMemoryFullPct)) }
        : {}),
    };
  });
}

export interface MergeOptions {
  /** Seconds to add to each part's series times: parts that started at different wall-clock
   * seconds line up (default 0 each). */
  offsetsSec?: number[];
}

export function mergeResults(parts: Result[], options: MergeOptions = {}): Result {
  if (parts.length === 0) throw new Error('mergeResults: no results');
  const first = parts[0]!;
  const m = (key: keyof Result['messages']) => sum(parts.map((r) => r.messages[key] as number));
  const latency = Object.fromEntries(LATENCIES.map((k) => [k, summarize(mergeEncoded(parts.map((r) => r.latencyMs[k].hdr)))])) as Result['latencyMs'];
  const server = parts.find((r) => r.server.cpuSeconds !== null || r.server.rssBytes !== null)?.server ?? first.server;
  const reasons = parts.flatMap((r, i) => r.generator.saturationReasons.map((why) => `part ${i}: ${why}`));
  const cpuSeconds = server.cpuSeconds;
  const delivered = m('delivered');
  const merged: Result = {
    ...first,
    durationSec: Math.max(...parts.map((r) => r.durationSec)),
    startedAt: parts.map((r) => r.startedAt).sort()[0]!,
    connections: {
      target: sum(parts.map((r) => r.connections.target)),
      peak: sum(parts.map((r) => r.connections.peak)),
      failed: sum(parts.map((r) => r.connections.failed)),
      retries: sum(parts.map((r) => r.connections.retries)),
      reconnects: sum(parts.map((r) => r.connections.reconnects)),
      resumes: sum(parts.map((r) => r.connections.resumes)),
    },
    messages: {
      sent: m('sent'),
      acked: m('acked'),
      refused: m('refused'),
      refusedByCode: addCounts(parts.map((r) => r.messages.refusedByCode)),
      abandoned: m('abandoned'),
      unanswered: m('unanswered'),
      delivered,
      expected: m('expected'),
      lost: m('lost'),
      duplicated: m('duplicated'),
      reordered: m('reordered'),
      recovered: m('recovered'),
    },
    latencyMs: latency,
    throughput: { sentPerSec: sum(parts.map((r) => r.throughput.sentPerSec)), deliveredPerSec: sum(parts.map((r) => r.throughput.deliveredPerSec)) },
    // the steady-seconds figure is one probed server's window against its run's deliveries: not summable
    server: { ...server, cpuMsPer1kDeliveries: cpuSeconds !== null && delivered > 0 ? Math.round(((cpuSeconds * 1000) / (delivered / 1000)) * 1000) / 1000 : null, steadyCpuMsPer1kDeliveries: null },
    generator: {
      processes: sum(parts.map((r) => r.generator.processes)),
      cpuSeconds: sum(parts.map((r) => r.generator.cpuSeconds)),
      rssBytes: sum(parts.map((r) => r.generator.rssBytes)),
      bytesPerClient: null, // a per-part figure: read it in the parts
      loopDelayP99Ms: Math.max(...parts.map((r) => r.generator.loopDelayP99Ms)),
      loopDelayMaxMs: Math.max(...parts.map((r) => r.generator.loopDelayMaxMs)),
      saturated: parts.some((r) => r.generator.saturated),
      saturationReasons: reasons,
      // generator and machine, in different parts, make both
      saturationCause: parts.reduce<Cause>((acc, r) => {
        const c = r.generator.saturationCause ?? (r.generator.saturated ? 'generator' : null);
        return acc === null ? c : c === null || c === acc ? acc : 'both';
      }, null),
      ...(parts.every((r) => r.generator.instrumentDelayMs) ? { instrumentDelayMs: summarize(mergeEncoded(parts.map((r) => r.generator.instrumentDelayMs!.hdr))) } : {}),
    },
    ...(parts.some((r) => r.host)
      ? {
          host: {
            maxStealPct: maxKnown(parts.map((r) => r.host?.maxStealPct)),
            maxIoFullPct: maxKnown(parts.map((r) => r.host?.maxIoFullPct)),
            maxMemoryFullPct: maxKnown(parts.map((r) => r.host?.maxMemoryFullPct)),
            stalledSeconds: [...new Set(parts.flatMap((r, i) => (r.host?.stalledSeconds ?? []).map((s) => s + (options.offsetsSec?.[i] ?? 0))))].sort((a, b) => a - b),
          },
        }
      : {}),
    ...(parts.some((r) => r.protocol)
      ? {
          protocol: {
            type: parts.find((r) => r.protocol)!.protocol!.type,
            rules: addCounts(parts.map((r) => r.protocol?.rules ?? {})),
            unmatched: addCounts(parts.map((r) => r.protocol?.unmatched ?? {})),
            samples: parts.flatMap((r) => r.protocol?.samples ?? []).slice(0, 5),
          },
        }
      : {}),
    errors: addCounts(parts.map((r) => r.errors)),
    closes: addCounts(parts.map((r) => r.closes)),
    series: mergeSeries(parts, options.offsetsSec ?? []),
    // the whole saturates when its first part does (each part's p99 passed the limit on its own)
    saturation:
      parts
        .map((r, i) => (r.saturation ? { ...r.saturation, atSec: r.saturation.atSec + (options.offsetsSec?.[i] ?? 0) } : null))
        .filter((s) => s !== null)
        .sort((a, b) => a.atSec - b.atSec)[0] ?? null,
    checks: [],
    thresholds: [],
  };
  const config = first.scenario.config as { sanity?: SanityLimits; thresholds?: string[] };
  merged.checks = sanityChecks(merged, config.sanity ?? DEFAULT_LIMITS);
  merged.thresholds = evaluateThresholds(config.thresholds ?? [], merged);
  return merged;
}
