// Chart data derived from result files: pure functions, no I/O.
import * as hdr from 'hdr-histogram-js';
import type { Result } from '../schema.js';

export const MAX_POINTS = 2000;

/** Keep at most `max` rows, evenly spaced, always keeping the last. */
export function downsample<T>(rows: T[], max = MAX_POINTS): T[] {
  if (rows.length <= max) return rows;
  const step = rows.length / max;
  const out: T[] = [];
  for (let i = 0; i < max - 1; i++) out.push(rows[Math.floor(i * step)]!);
  out.push(rows.at(-1)!);
  return out;
}

export interface PercentileCurve {
  x: number[]; // 1/(1-p)
  y: number[]; // ms
}

/** HdrHistogram-style percentile distribution: latency at p for p = 0, 90, 99, 99.9 … up to the data. */
export function percentileCurve(encoded: string): PercentileCurve {
  const x: number[] = [];
  const y: number[] = [];
  if (!encoded) return { x, y };
  const h = hdr.decodeFromCompressedBase64(encoded, 32, false);
  const count = h.totalCount;
  if (count === 0) return { x, y };
  for (let i = 0; i <= 60; i++) {
    const p = 1 - Math.pow(10, -i / 10);
    if (i > 0 && 1 / (1 - p) > count * 2) break;
    x.push(1 / (1 - p));
    y.push(h.getValueAtPercentile(p * 100) / 1000);
  }
  x.push(Math.max(count, x.at(-1)! * 1.01));
  y.push(h.maxValue / 1000);
  return { x, y };
}

/** What a run is, without when: its label (if a command gave it one) and its variant. */
export function runName(r: Result): string {
  return r.label ? `${r.label} (${r.variant})` : r.variant;
}

export function runLabel(r: Result, all: Result[]): string {
  const same = all.filter((o) => runName(o) === runName(r)).length > 1;
  return same ? `${runName(r)} @ ${r.startedAt.slice(0, 19).replace('T', ' ')}` : runName(r);
}
