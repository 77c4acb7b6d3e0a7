// Event-loop delay that means what it says. perf_hooks.monitorEventLoopDelay records the time
// between its sampling timer's runs, so an idle loop reads ≈ the resolution (10.1 ms at 10 ms);
// we subtract the resolution to report the delay beyond the schedule.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export const LOOP_RESOLUTION_MS = 10;

export class LoopDelay {
  private readonly h: IntervalHistogram = monitorEventLoopDelay({ resolution: LOOP_RESOLUTION_MS });

  constructor() {
    this.h.enable();
  }

  /** Delay in ms at a percentile since the last reset. */
  percentileMs(p: number): number {
    return this.h.count === 0 ? 0 : Math.max(0, this.h.percentile(p) / 1e6 - LOOP_RESOLUTION_MS);
  }

  maxMs(): number {
    return this.h.count === 0 ? 0 : Math.max(0, this.h.max / 1e6 - LOOP_RESOLUTION_MS);
  }

  reset(): void {
    this.h.reset();
  }

  stop(): void {
    this.h.disable();
  }
}
