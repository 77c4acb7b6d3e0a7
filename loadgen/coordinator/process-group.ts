// Process groups chatbench started (a user's server command and everything it forks): which of
// their processes still live, and a guarantee that none outlives chatbench — on a normal exit, and
// on SIGINT/SIGTERM (Ctrl-C, a cancelled CI job). Only SIGKILL of chatbench itself escapes this.
import { readdirSync, readFileSync } from 'node:fs';

/** Pids of the processes of group `pgid` that are still running (zombies are not). */
export function liveInGroup(pgid: number): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') pids.push(Number(name));
    } catch {
      // ended while we looked
    }
  }
  return pids;
}

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // the group is empty already
  }
}

const groups = new Set<number>();

const killAll = () => {
  for (const g of groups) signalGroup(g, 'SIGKILL');
};
const onSignal = (signal: NodeJS.Signals) => {
  console.error(`chatbench: ${signal}: stopping ${groups.size} server command process group(s) and exiting`);
  killAll();
  process.exit(signal === 'SIGINT' ? 130 : 143);
};

/** Kill this group when chatbench exits or is interrupted, unless released first. */
export function guardGroup(pgid: number): void {
  if (groups.size === 0) {
    process.on('exit', killAll);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  groups.add(pgid);
}

export function releaseGroup(pgid: number): void {
  if (!groups.delete(pgid) || groups.size > 0) return;
  process.off('exit', killAll);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}
