// Chart data derived from result files: pure functions, no I/O.
import type { Result } from '../../results/schema.js';

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

/** What a run is, without when: its label (if a command gave it one) and its variant. */
export function runName(r: Result): string {
  return r.label ? `${r.label} (${r.variant})` : r.variant;
}

export function runLabel(r: Result, all: Result[]): string {
  const same = all.filter((o) => runName(o) === runName(r)).length > 1;
  return same ? `${runName(r)} @ ${r.startedAt.slice(0, 19).replace('T', ' ')}` : runName(r);
}
