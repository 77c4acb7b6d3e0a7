// Where a process's CPU goes, from /proc (Linux): user vs kernel time and read(2) calls. The
// benchmark shows these beside its figures because, at one frame per socket read, a receiving
// client's cost is mostly the kernel's read path, which no user-space parser can remove.
import { readdirSync, readFileSync } from 'node:fs';
import { procStat } from '../loadgen/coordinator/probe/proc-sampler.js';

export interface Cost {
  userS: number;
  kernelS: number;
  reads: number; // read-like syscalls (syscr in /proc/PID/io)
}

export function costOf(pid: number): Cost {
  const { userS, kernelS } = procStat(pid);
  const syscr = /^syscr:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))?.[1];
  return { userS, kernelS, reads: Number(syscr ?? NaN) };
}

/** The sum over processes of what each spent between two samples. */
export function spent(before: Cost[], after: Cost[]): Cost {
  const total = { userS: 0, kernelS: 0, reads: 0 };
  after.forEach((a, i) => {
    total.userS += a.userS - before[i]!.userS;
    total.kernelS += a.kernelS - before[i]!.kernelS;
    total.reads += a.reads - before[i]!.reads;
  });
  return total;
}

/** Child processes of this one whose command line contains `needle`. */
export function childrenRunning(needle: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (procStat(Number(name)).ppid === process.pid && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(needle)) pids.push(Number(name));
    } catch {
      // the process ended while we looked
    }
  }
  return pids;
}
