// Why a run is not to be trusted: the machine's stall counters turned into per-second figures, and
// the cause a saturated run is given from them (the generator, the machine, or both).
import { describe, expect, it } from 'vitest';
import { hostSecond, sampleHost, type HostSample } from '../loadgen/coordinator/probe/host-sampler.js';
import { saturationCause, stalledSeconds } from '../results/saturation-cause.js';
import type { SeriesRow } from '../results/schema.js';

const row = (t: number, more: Partial<SeriesRow> = {}): SeriesRow => ({
  t,
  connections: 10,
  sent: 10,
  acked: 10,
  delivered: 90,
  errors: 0,
  e2eP50: 1,
  e2eP99: 2,
  serverRssBytes: null,
  serverHeapBytes: null,
  serverCpuPct: null,
  serverLoopDelayP99Ms: null,
  generatorCpuPct: 20,
  generatorLoopDelayP99Ms: 1,
  hostStealPct: 0,
  hostCpuSomePct: 0,
  hostIoFullPct: 0,
  hostMemoryFullPct: 0,
  ...more,
});

describe('host stall figures', () => {
  it('turns two cumulative samples into shares of the second', () => {
    const a: HostSample = { atUs: 0, cpuTotal: 1000, cpuSteal: 10, cpuSomeUs: 0, ioFullUs: 5_000, memoryFullUs: 0 };
    const b: HostSample = { atUs: 1_000_000, cpuTotal: 1200, cpuSteal: 60, cpuSomeUs: 300_000, ioFullUs: 405_000, memoryFullUs: 0 };
    expect(hostSecond(a, b)).toEqual({ stealPct: 25, cpuSomePct: 30, ioFullPct: 40, memoryFullPct: 0 });
  });

  it('says "no data" where a counter is missing (a kernel without PSI)', () => {
    const a: HostSample = { atUs: 0, cpuTotal: null, cpuSteal: null, cpuSomeUs: null, ioFullUs: null, memoryFullUs: null };
    expect(hostSecond(a, { ...a, atUs: 1_000_000 })).toEqual({ stealPct: null, cpuSomePct: null, ioFullPct: null, memoryFullPct: null });
  });

  it('reads this machine: /proc/stat always, PSI where the kernel has it', () => {
    const s = sampleHost(1);
    expect(s.cpuTotal).toBeGreaterThan(0);
    expect(s.cpuSteal).toBeGreaterThanOrEqual(0);
    for (const v of [s.cpuSomeUs, s.ioFullUs, s.memoryFullUs]) if (v !== null) expect(v).toBeGreaterThanOrEqual(0);
  });
});

describe('saturation cause', () => {
  const quiet = [row(0), row(1), row(2), row(3)];
  const stalledAt2 = [row(0), row(1), row(2, { hostIoFullPct: 60, generatorLoopDelayP99Ms: 900, generatorCpuPct: 5 }), row(3)];

  it('is none for a run that is not saturated, whatever the machine did', () => {
    expect(saturationCause(false, false, stalledSeconds(stalledAt2), stalledAt2, 50)).toBeNull();
  });

  it('is the generator when the machine did not stall', () => {
    expect(saturationCause(true, true, stalledSeconds(quiet), quiet, 50)).toBe('generator');
    const delayed = [row(0), row(1, { generatorLoopDelayP99Ms: 120 })];
    expect(saturationCause(true, false, stalledSeconds(delayed), delayed, 50)).toBe('generator');
  });

  it('is the machine when a stall covers every delayed second and the generator was not busy', () => {
    expect(stalledSeconds(stalledAt2)).toEqual([2]);
    expect(saturationCause(true, false, [2], stalledAt2, 50)).toBe('machine');
    const steal = [row(0, { hostStealPct: 35 }), row(1, { generatorLoopDelayP99Ms: 300 })];
    expect(saturationCause(true, false, stalledSeconds(steal), steal, 50)).toBe('machine');
  });

  it('is both when the generator was busy too, or a delayed second had no stall near it', () => {
    expect(saturationCause(true, true, [2], stalledAt2, 50)).toBe('both');
    const apart = [...stalledAt2, row(4), row(5), row(6, { generatorLoopDelayP99Ms: 200 })];
    expect(saturationCause(true, false, stalledSeconds(apart), apart, 50)).toBe('both');
  });

  it('counts a second as stalled from 10 % of steal, IO or memory pressure; CPU pressure alone is load', () => {
    const rows = [row(0, { hostStealPct: 9.9 }), row(1, { hostMemoryFullPct: 10 }), row(2, { hostCpuSomePct: 90 }), row(3, { hostStealPct: null, hostIoFullPct: undefined })];
    expect(stalledSeconds(rows)).toEqual([1]);
  });
});
