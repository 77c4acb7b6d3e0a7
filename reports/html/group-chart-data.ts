// Chart data of a group of runs: per second, the median over its runs with their min and max (a
// band), and the percentile curve of all its runs' histograms merged, with the band of the runs'
// own curves. One run is a group whose band is a line. Pure functions of the results.
import { median } from '../../lib/median.js';
import { decode, mergeEncoded } from '../../results/histogram.js';
import type { RunGroup } from '../groups.js';
import type { Result, SeriesRow } from '../../results/schema.js';
import { downsample } from './chart-data.js';

const MiB = 1048576;

export interface Band {
  m: (number | null)[];
  lo: (number | null)[];
  hi: (number | null)[];
}

type Pick = (row: SeriesRow) => number | null;

const PICKS: Record<string, Pick> = {
  connections: (r) => r.connections,
  sent: (r) => r.sent,
  delivered: (r) => r.delivered,
  errors: (r) => r.errors,
  e2eP50: (r) => r.e2eP50,
  e2eP99: (r) => r.e2eP99,
  serverRssMiB: (r) => (r.serverRssBytes === null ? null : Math.round((r.serverRssBytes / MiB) * 10) / 10),
  serverHeapMiB: (r) => (r.serverHeapBytes === null ? null : Math.round((r.serverHeapBytes / MiB) * 10) / 10),
  serverCpuPct: (r) => r.serverCpuPct,
  serverLoopDelayP99Ms: (r) => r.serverLoopDelayP99Ms,
  generatorLoopDelayP99Ms: (r) => r.generatorLoopDelayP99Ms,
  hostStealPct: (r) => r.hostStealPct ?? null,
  hostIoFullPct: (r) => r.hostIoFullPct ?? null,
  hostMemoryFullPct: (r) => r.hostMemoryFullPct ?? null,
  hostCpuSomePct: (r) => r.hostCpuSomePct ?? null,
};

function seriesBands(results: Result[]): { t: number[] } & Record<string, Band | number[]> {
  const t = [...new Set(results.flatMap((r) => r.series.map((row) => row.t)))].sort((a, b) => a - b);
  const bySecond = results.map((r) => new Map(r.series.map((row) => [row.t, row])));
  const at = t.map((sec) => bySecond.map((rows) => rows.get(sec)));
  const out: { t: number[] } & Record<string, Band | number[]> = { t };
  for (const [key, pick] of Object.entries(PICKS)) {
    const band: Band = { m: [], lo: [], hi: [] };
    for (const rows of at) {
      const vs = rows.map((row) => (row ? pick(row) : null)).filter((v): v is number => v !== null);
      band.m.push(vs.length ? median(vs) : null);
      band.lo.push(vs.length ? Math.min(...vs) : null);
      band.hi.push(vs.length ? Math.max(...vs) : null);
    }
    out[key] = band;
  }
  return out;
}

export interface PercentileBand {
  x: number[]; // 1/(1-p)
  y: number[]; // ms, all runs merged
  lo: number[];
  hi: number[];
  u: number[]; // uncorrected, all runs merged
}

/** HdrHistogram-style percentile curve of the group (its runs merged), p = 0, 90, 99, … */
export function percentileBand(results: Result[]): PercentileBand {
  const merged = mergeEncoded(results.map((r) => r.latencyMs.e2e.hdr));
  const uncorrected = mergeEncoded(results.map((r) => r.latencyMs.e2eUncorrected.hdr));
  const runs = results.map((r) => (r.latencyMs.e2e.count ? decode(r.latencyMs.e2e.hdr) : undefined)).filter((h) => h !== undefined);
  const band: PercentileBand = { x: [], y: [], lo: [], hi: [], u: [] };
  const count = merged.totalCount;
  if (count === 0) return band;
  const push = (x: number, pct: number | 'max') => {
    const at = (h: typeof merged) => (pct === 'max' ? h.maxValue : h.getValueAtPercentile(pct)) / 1000;
    const each = runs.map(at);
    band.x.push(x);
    band.y.push(at(merged));
    band.lo.push(Math.min(...each));
    band.hi.push(Math.max(...each));
    band.u.push(uncorrected.totalCount ? at(uncorrected) : NaN);
  };
  for (let i = 0; i <= 60; i++) {
    const p = 1 - Math.pow(10, -i / 10);
    if (i > 0 && 1 / (1 - p) > count * 2) break;
    push(1 / (1 - p), p * 100);
  }
  push(Math.max(count, band.x.at(-1)! * 1.01), 'max');
  return band;
}

export function groupChart(g: RunGroup, label: string) {
  const withMem = g.results.flatMap((r) => r.series.filter((row) => row.serverRssBytes !== null));
  const scatter = downsample(withMem, 500).sort((a, b) => a.connections - b.connections);
  const slopes = g.results.map((r) => r.server.memoryPerConnection?.rssBytes).filter((v): v is number => v !== undefined);
  return {
    label,
    runs: g.results.length,
    series: seriesBands(g.results.map((r) => ({ ...r, series: downsample(r.series) }))),
    percentiles: percentileBand(g.results),
    scatter: { x: scatter.map((row) => row.connections), y: scatter.map((row) => Math.round((row.serverRssBytes! / MiB) * 10) / 10) },
    slopeKiB: slopes.length ? Math.round(median(slopes) / 102.4) / 10 : null,
  };
}
