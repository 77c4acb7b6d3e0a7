// RSS and CPU of a local process from /proc (Linux): more exact and cheaper than a /metrics
// scrape, and available for any server whose pid we know.
import { readFileSync } from 'node:fs';

const PAGE = 4096;
const CLK_TCK = 100;

/** /proc/PID/stat: parent pid and CPU seconds in user and kernel mode. Throws if there is no such process. */
export function procStat(pid: number): { ppid: number; userS: number; kernelS: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on: the name may hold spaces
  return { ppid: Number(fields[1]), userS: Number(fields[11]) / CLK_TCK, kernelS: Number(fields[12]) / CLK_TCK };
}

export function procSample(pid: number): { rssBytes: number; cpuSeconds: number } | undefined {
  try {
    const statm = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ');
    const { userS, kernelS } = procStat(pid);
    return { rssBytes: Number(statm[1]) * PAGE, cpuSeconds: userS + kernelS };
  } catch {
    return undefined;
  }
}
