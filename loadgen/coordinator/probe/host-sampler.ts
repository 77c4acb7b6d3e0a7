// The machine's own stall signals, sampled beside the generator and the server: CPU steal (time
// the hypervisor gave this VM's CPUs to someone else, /proc/stat) and pressure stall information
// (/proc/pressure/{cpu,memory,io}: time tasks waited for a CPU, for memory, for IO). When every
// process on the host stops at once, these — not the generator's CPU — say why. All counters are
// cumulative, so a late sample loses nothing: the next delta holds it.
import { readFileSync } from 'node:fs';

export interface HostSample {
  atUs: number;
  /** jiffies of all CPUs: total and stolen (null where /proc/stat is unreadable) */
  cpuTotal: number | null;
  cpuSteal: number | null;
  /** PSI totals, µs (null where the kernel has no PSI) */
  cpuSomeUs: number | null;
  ioFullUs: number | null;
  memoryFullUs: number | null;
}

/** One second's host figures, from two samples. */
export interface HostSecond {
  stealPct: number | null; // % of all CPUs' time stolen
  cpuSomePct: number | null; // % of the second some task waited for a CPU
  ioFullPct: number | null; // % of the second every non-idle task waited for IO
  memoryFullPct: number | null;
}

function psiTotal(resource: string, line: 'some' | 'full'): number | null {
  try {
    const m = new RegExp(`^${line} .*total=(\\d+)`, 'm').exec(readFileSync(`/proc/pressure/${resource}`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

function cpuJiffies(): { total: number; steal: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!;
    const f = line.trim().split(/\s+/).slice(1, 9).map(Number); // user nice system idle iowait irq softirq steal
    return { total: f.reduce((a, b) => a + b, 0), steal: f[7] ?? 0 };
  } catch {
    return null;
  }
}

export function sampleHost(atUs: number): HostSample {
  const cpu = cpuJiffies();
  return { atUs, cpuTotal: cpu?.total ?? null, cpuSteal: cpu?.steal ?? null, cpuSomeUs: psiTotal('cpu', 'some'), ioFullUs: psiTotal('io', 'full'), memoryFullUs: psiTotal('memory', 'full') };
}

export function hostSecond(a: HostSample, b: HostSample): HostSecond {
  const wallUs = b.atUs - a.atUs;
  const pct = (x: number | null, y: number | null) => (x === null || y === null || wallUs <= 0 ? null : round1(Math.max(0, (100 * (y - x)) / wallUs)));
  const dTotal = a.cpuTotal !== null && b.cpuTotal !== null ? b.cpuTotal - a.cpuTotal : 0;
  return {
    stealPct: dTotal > 0 ? round1((100 * (b.cpuSteal! - a.cpuSteal!)) / dTotal) : null,
    cpuSomePct: pct(a.cpuSomeUs, b.cpuSomeUs),
    ioFullPct: pct(a.ioFullUs, b.ioFullUs),
    memoryFullPct: pct(a.memoryFullUs, b.memoryFullUs),
  };
}

const round1 = (v: number) => Math.round(v * 10) / 10;
