// FAULT INJECTION (--inject-cpu-us): a given number of microseconds of this thread's CPU, so a gate
// calibration can make every delivery that much more expensive. A fixed number of loop iterations,
// not a wall-clock wait: a preemption in the middle delays the work but does not shorten it (a
// wall-clock loop burned less CPU the busier the machine was).

/** The loop that burns, and the loop that is timed to size it: one function, so the speed measured
 * is the speed burned. (Timing a separate, colder loop once made a "+5 %" injection cost ≈ +2 %:
 * the burning loop, optimised by then, ran about twice as fast as the one measured.) */
function spin(iterations: number): number {
  let x = 0;
  for (let i = iterations; i > 0; i--) x = (x + i) | 0;
  return x;
}

let loopsPerUs = 0;
let _sink = 0; // keeps the loops from being optimised away

/** This thread's iterations of spin per µs, once spin is optimised: the fastest of 10 windows of
 * ≈ 1 ms, the ones least interrupted by other processes. */
function measureLoopsPerUs(): number {
  for (let k = 0; k < 300; k++) _sink ^= spin(10_000); // warm: optimised as it will be when burning
  let best = 0;
  for (let w = 0; w < 10; w++) {
    const n = 1_000_000;
    const t0 = performance.now();
    _sink ^= spin(n);
    best = Math.max(best, n / ((performance.now() - t0) * 1000));
  }
  return best;
}

export function burnCpuUs(us: number): void {
  loopsPerUs ||= measureLoopsPerUs();
  _sink ^= spin(Math.round(us * loopsPerUs));
}
