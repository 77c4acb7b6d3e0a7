// CPU pinning: the embedded servers on one half of the cores, the generator (coordinator and its
// generator processes) on the other, so the two stop taking turns on the same cores — on a small
// machine most of the run-to-run noise (docs/gate.md, "Pinned cores"). With util-linux's taskset:
// `taskset -a -p -c LIST PID` sets the affinity of every thread a process has; threads it starts
// later inherit it.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';

export type PinMode = 'auto' | 'on' | 'off';

export interface Pinning {
  /** CPU lists, as taskset takes them: "1", "2-3". */
  server: string;
  generator: string;
}

export class PinningError extends Error {}

let tasksetKnown: boolean | undefined;
function hasTaskset(): boolean {
  if (tasksetKnown === undefined) {
    try {
      execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
      tasksetKnown = true;
    } catch {
      tasksetKnown = false;
    }
  }
  return tasksetKnown;
}

const list = (from: number, to: number) => (from === to ? String(from) : `${from}-${to}`);

/** Which cores each side gets, or undefined for no pinning. `auto` pins when there are ≥ 2 cores
 * and taskset is there; `on` insists (and fails, saying why, when it cannot). */
export function planPinning(mode: PinMode, cpus = availableParallelism()): Pinning | undefined {
  if (mode === 'off') return undefined;
  const why = cpus < 2 ? `only ${cpus} core` : !hasTaskset() ? 'taskset (util-linux) is not installed' : undefined;
  if (why) {
    if (mode === 'on') throw new PinningError(`--pin on: cannot pin (${why})`);
    return undefined;
  }
  const half = Math.floor(cpus / 2);
  return { generator: list(0, half - 1), server: list(half, cpus - 1) };
}

/** Pin a running process (all its threads) to a CPU list; returns the list it had. */
export function pin(pid: number, cpuList: string): string {
  const before = /:\s*(\S+)\s*$/.exec(execFileSync('taskset', ['-c', '-p', String(pid)]).toString())?.[1] ?? '';
  execFileSync('taskset', ['-a', '-p', '-c', cpuList, String(pid)], { stdio: 'ignore' });
  return before;
}

export function parsePinMode(text: string): PinMode {
  if (text === 'auto' || text === 'on' || text === 'off') return text;
  throw new PinningError(`--pin ${text}: expected auto, on or off`);
}
