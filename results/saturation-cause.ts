// Why a saturated run is not to be trusted — its generator was busy, or the machine under it
// stalled — from the per-second series, and how that reads in the summary line and the report:
// what to do about it follows from the cause (more generator, or a quieter machine).
import type { Result, SeriesRow } from './schema.js';

/** A second in which CPU steal, or IO or memory "full" pressure, took this share of the time: the
 * machine stalled, whatever the generator was doing. */
export const HOST_STALL_PCT = 10;

export const CAUSE_TEXT = {
  generator: 'the load generator may have been the bottleneck (add generator processes or machines)',
  machine: 'the machine stalled under the run, not the generator (a quieter machine, not more generator)',
  both: 'the load generator was busy and the machine stalled too',
} as const;

const stallPct = (r: SeriesRow) => Math.max(r.hostStealPct ?? 0, r.hostIoFullPct ?? 0, r.hostMemoryFullPct ?? 0);

/** Seconds in which the machine stalled (steal, IO or memory pressure ≥ HOST_STALL_PCT). */
export function stalledSeconds(series: SeriesRow[]): number[] {
  return series.filter((r) => stallPct(r) >= HOST_STALL_PCT).map((r) => r.t);
}

/** Why a saturated run is not to be trusted: its own generator was busy (`busy`: a process over
 * the CPU limit in some second), the machine stalled (stall seconds explain every second of loop
 * delay, and the generator was not busy), or both. A loop delay with no stall is put on the
 * generator: that is where the time went missing. */
export function saturationCause(saturated: boolean, busy: boolean, stalled: number[], series: SeriesRow[], loopDelayLimitMs: number): Result['generator']['saturationCause'] {
  if (!saturated) return null;
  const delayed = series.filter((r) => r.generatorLoopDelayP99Ms > loopDelayLimitMs).map((r) => r.t);
  // a stall explains a delayed second when it is that second or a neighbour (samples land on
  // either side of a second's edge)
  const explained = stalled.length > 0 && delayed.every((t) => stalled.some((s) => s === t || s === t - 1 || s === t + 1));
  if (stalled.length === 0) return 'generator';
  if (busy) return 'both';
  return explained ? 'machine' : 'both';
}

export function machineStallReason(stalled: number[], series: SeriesRow[]): string {
  const rows = series.filter((r) => stalled.includes(r.t));
  const worst = (pick: (r: SeriesRow) => number | null | undefined) => Math.max(0, ...rows.map((r) => pick(r) ?? 0)).toFixed(1);
  return `the machine stalled in ${stalled.length} second(s) (t = ${stalled.slice(0, 8).join(', ')}${stalled.length > 8 ? ', …' : ''} s): CPU steal up to ${worst((r) => r.hostStealPct)} %, IO full pressure up to ${worst((r) => r.hostIoFullPct)} %, memory full pressure up to ${worst((r) => r.hostMemoryFullPct)} % of the second`;
}
