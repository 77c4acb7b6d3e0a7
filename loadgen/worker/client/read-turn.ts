// When the loop turn that is reading sockets began: the clock is read at the first socket read of
// a turn (libuv hands over, one after the other, every socket that epoll found readable) and
// forgotten in the check phase that follows the poll phase. A delivery recorded at time t waited
// t − turnStart inside the generator at least: behind the sockets read before it in that turn.
// That is the instrument's own delay chatbench records beside e2e; time before the turn (a timer
// tick, a GC pause while epoll already had the data) is not in it, and the loop-delay figures
// cover that.
//
// The turn's end is also when sends fall due between timer ticks: the generator's timer has
// whole-millisecond granularity (and fires ≈ 0.75 ms after a slot at the median, measured by
// bench:truth), while a loaded loop turns every few tens of µs; checking the send schedule at
// the end of every reading turn sends a message that soon after its slot, never before it.
import { monoUs } from '../../clock.js';

let turnStartUs = -1;
let atTurnEnd: (() => void) | undefined;

function turnEnded(): void {
  turnStartUs = -1;
  atTurnEnd?.();
}

/** What to run at the end of every reading turn (the process's send schedule). */
export function onReadTurnEnd(hook: (() => void) | undefined): void {
  atTurnEnd = hook;
}

/** Called at every socket read: the start of the current reading turn (µs, monoUs). */
export function readTurnStart(): number {
  if (turnStartUs < 0) {
    turnStartUs = monoUs();
    setImmediate(turnEnded);
  }
  return turnStartUs;
}

/** The current reading turn's start, or -1 outside one. */
export function currentReadTurnStart(): number {
  return turnStartUs;
}
