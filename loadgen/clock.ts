// One monotonic clock for every generator process: CLOCK_MONOTONIC (process.hrtime.bigint) is
// shared by all processes on the host, so a timestamp taken in one process can be compared in
// another. performance.now() ticks on the same clock; we read it (cheap) plus a fixed offset.
import { performance } from 'node:perf_hooks';

const offsetUs = Number(process.hrtime.bigint()) / 1e3 - performance.now() * 1e3;

/** Microseconds on the host-wide monotonic clock. */
export function monoUs(): number {
  return performance.now() * 1e3 + offsetUs;
}
