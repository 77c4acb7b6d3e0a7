// Event-loop delay that means what it says. perf_hooks.monitorEventLoopDelay records the time
// between its sampling timer's runs, so an idle loop reads ≈ the resolution (10.1 ms at 10 ms);
// we subtract the resolution to report the delay beyond the schedule. After reset() the monitor
// drops its next sample (it restarts its reference time), which may be the very sample of a long
// block: so run-wide figures come from a second monitor that is never reset.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export const LOOP_RESOLUTION_MS = 10;

export class LoopDelay {
  private readonly window: IntervalHistogram;
  // each monitor is a timer firing every resolutionMs (≈ 9 ms of CPU a second at 10 ms, measured):
  // the run-wide one only where run-wide figures are read
  private readonly whole: IntervalHistogram | undefined;
  private readonly resolutionMs: number;

  constructor(opts: { wholeRun?: boolean; resolutionMs?: number } = {}) {
    this.resolutionMs = opts.resolutionMs ?? LOOP_RESOLUTION_MS;
    this.window = monitorEventLoopDelay({ resolution: this.resolutionMs });
    this.window.enable();
    if (opts.wholeRun ?? true) {
      this.whole = monitorEventLoopDelay({ resolution: this.resolutionMs });
      this.whole.enable();
    }
  }

  /** Delay in ms at a percentile since the last reset. */
  percentileMs(p: number): number {
    return this.ms(this.window, this.window.percentile(p));
  }

  /** Over the monitor's whole life. */
  runPercentileMs(p: number): number {
    return this.whole ? this.ms(this.whole, this.whole.percentile(p)) : NaN;
  }

  runMaxMs(): number {
    return this.whole ? this.ms(this.whole, this.whole.max) : NaN;
  }

  reset(): void {
    this.window.reset();
  }

  stop(): void {
    this.window.disable();
    this.whole?.disable();
  }

  private ms(h: IntervalHistogram, ns: number): number {
    return h.count === 0 ? 0 : Math.max(0, ns / 1e6 - this.resolutionMs);
  }
}
