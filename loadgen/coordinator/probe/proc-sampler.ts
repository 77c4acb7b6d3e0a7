// RSS and CPU of a local process and everything it started, from /proc (Linux): more exact and
// cheaper than a /metrics scrape, and available for any server whose pid we know — a server that
// forks cluster workers or runs under `sh -c` is measured as the whole process tree.
import { readdirSync, readFileSync } from 'node:fs';

const PAGE = 4096;
const CLK_TCK = 100;

export interface ProcStat {
  ppid: number;
  userS: number;
  kernelS: number;
  /** CPU of children this process has waited for (they are gone from /proc; their time is here). */
  reapedChildrenS: number;
}

/** /proc/PID/stat: parent pid and CPU seconds. Throws if there is no such process. */
export function procStat(pid: number): ProcStat {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // fields from 3 (state) on: the name may hold spaces
  return {
    ppid: Number(fields[1]),
    userS: Number(fields[11]) / CLK_TCK,
    kernelS: Number(fields[12]) / CLK_TCK,
    reapedChildrenS: (Number(fields[13]) + Number(fields[14])) / CLK_TCK,
  };
}

export interface ProcSample {
  rssBytes: number;
  cpuSeconds: number;
}

/** One process alone. */
export function procSample(pid: number): ProcSample | undefined {
  try {
    const { userS, kernelS } = procStat(pid);
    return { rssBytes: rssOf(pid), cpuSeconds: userS + kernelS };
  } catch {
    return undefined;
  }
}

function rssOf(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE;
}

/** The pids of a process and all its descendants, the root first (one pass over /proc). */
export function procTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let ppid: number;
    try {
      ppid = procStat(Number(name)).ppid;
    } catch {
      continue; // ended while we looked
    }
    const list = children.get(ppid);
    if (list) list.push(Number(name));
    else children.set(ppid, [Number(name)]);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** CPU seconds of a live process to the nanosecond: the sum of its threads' time on a CPU from
 * /proc/PID/task/TID/schedstat, where /proc/PID/stat counts 10 ms ticks — over a few steady
 * seconds of a gate run, ±1 tick is a few per cent of the figure. Falls back to the ticks when
 * the kernel keeps no schedstat. (A thread that ended takes its time out of this sum; a server's
 * threads live as long as it does.) */
function preciseCpuSeconds(pid: number, s: ProcStat): number {
  try {
    let ns = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    if (Number.isFinite(ns) && ns > 0) return ns / 1e9;
  } catch {
    // no schedstat here, or a thread ended while we read
  }
  return s.userS + s.kernelS;
}

/** A process tree as one: RSS summed over the live processes; CPU of the live ones plus what the
 * ones already reaped used (each counted once: a child's time reaches its parent only when reaped).
 * Undefined when the root itself is gone. */
export function procTreeSample(root: number): ProcSample | undefined {
  let rssBytes = 0;
  let cpuSeconds = 0;
  let rootSeen = false;
  for (const pid of procTree(root)) {
    try {
      const s = procStat(pid);
      const rss = rssOf(pid);
      cpuSeconds += preciseCpuSeconds(pid, s) + s.reapedChildrenS;
      rssBytes += rss;
      if (pid === root) rootSeen = true;
    } catch {
      // ended between the scan and the read
    }
  }
  return rootSeen ? { rssBytes, cpuSeconds } : undefined;
}
