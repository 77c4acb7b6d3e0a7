// RSS and CPU of a local process from /proc (Linux): more exact and cheaper than a /metrics
// scrape, and available for any server whose pid we know.
import { readFileSync } from 'node:fs';

const PAGE = 4096;
const CLK_TCK = 100;

export function procSample(pid: number): { rssBytes: number; cpuSeconds: number } | undefined {
  try {
    const statm = readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ');
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return { rssBytes: Number(statm[1]) * PAGE, cpuSeconds: (utime + stime) / CLK_TCK };
  } catch {
    return undefined;
  }
}
