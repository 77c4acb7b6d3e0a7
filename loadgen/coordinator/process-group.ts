// Servers chatbench started — a user's server command's process group (everything it forks), and
// an embedded `chatbench serve` child: which of their processes still live, and a guarantee that
// none outlives chatbench — on a normal exit, and on SIGINT/SIGTERM (Ctrl-C, a cancelled CI job,
// `kill`). Only SIGKILL of chatbench itself escapes this.
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

/** What to SIGKILL if chatbench ends first: a process group as −pgid, a single process as its pid
 * (process.kill's own convention). */
const guarded = new Set<number>();

const killAll = () => {
  for (const target of guarded) {
    try {
      process.kill(target, 'SIGKILL');
    } catch {
      // gone already
    }
  }
};
const onSignal = (signal: NodeJS.Signals) => {
  console.error(`chatbench: ${signal}: stopping the ${guarded.size} server(s) it started and exiting`);
  killAll();
  process.exit(signal === 'SIGINT' ? 130 : 143);
};

function guard(target: number): void {
  if (guarded.size === 0) {
    process.on('exit', killAll);
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  guarded.add(target);
}

function release(target: number): void {
  if (!guarded.delete(target) || guarded.size > 0) return;
  process.off('exit', killAll);
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
}

/** Kill this group when chatbench exits or is interrupted, unless released first. */
export const guardGroup = (pgid: number): void => guard(-pgid);
export const releaseGroup = (pgid: number): void => release(-pgid);
/** The same for one child process (an embedded server, which runs in chatbench's own group). */
export const guardProcess = (pid: number): void => guard(pid);
export const releaseProcess = (pid: number): void => release(pid);
