// What one generator process measured: histograms (µs) and counters. Clients only call record*
// methods; the process turns this into per-second ticks and a final report.
import { createHistogram, encode, record, type Histogram } from '../../results/histogram.js';
import { currentReadTurnStart } from './client/read-turn.js';

// the instrument's own delay is sampled, one delivery in INSTRUMENT_SAMPLE, to keep a third
// histogram record off most deliveries
const INSTRUMENT_SAMPLE = 8;

export class Recorder {
  // e2e from the intended send time (coordinated omission corrected) is recorded once, into the
  // current second; each closed second is added to the run's histogram (one record per delivery
  // fewer on the hottest path)
  private readonly second: Histogram = createHistogram();
  private readonly e2eClosed = createHistogram();
  readonly e2eUncorrected = createHistogram(); // from the actual send time
  readonly ack = createHistogram();
  readonly connect = createHistogram();
  /** µs from the start of the reading loop turn to a delivery's record (read-turn.ts), sampled */
  readonly instrument = createHistogram();
  private untilSample = INSTRUMENT_SAMPLE;

  connected = 0;
  connecting = 0;
  peakConnected = 0;
  connectOk = 0;
  connectFailed = 0;
  connectRetries = 0;
  reconnects = 0;
  resumes = 0;
  recovered = 0;
  sent = 0;
  acked = 0;
  delivered = 0;
  duplicated = 0;
  reordered = 0;
  refused = 0; // sends answered with an error frame (its `ref` names the message)
  abandoned = 0; // sends in flight when their sender left on purpose
  errorCount = 0;
  lastDeliveryUs = 0;
  readonly errors = new Map<string, number>();
  /** The first occurrence of each error code, in words (what the frame was), for the summary. */
  readonly errorSamples = new Map<string, string>();
  readonly closes = new Map<string, number>();
  readonly refusedByCode = new Map<string, number>();

  delivery(nowUs: number, intendedUs: number, actualUs: number): void {
    record(this.second, nowUs - intendedUs);
    record(this.e2eUncorrected, nowUs - actualUs);
    if (--this.untilSample === 0) {
      this.untilSample = INSTRUMENT_SAMPLE;
      const turn = currentReadTurnStart();
      if (turn > 0) record(this.instrument, nowUs - turn);
    }
  }

  /** The e2e histogram of the second now ending, encoded; its values move into the run's. */
  closeSecond(): string {
    const encoded = encode(this.second);
    this.e2eClosed.add(this.second);
    this.second.reset();
    return encoded;
  }

  /** The run's e2e histogram so far, the current second included. */
  e2e(): Histogram {
    const all = createHistogram();
    all.add(this.e2eClosed);
    all.add(this.second);
    return all;
  }

  error(code: string, detail?: string): void {
    this.errorCount++;
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
    if (detail !== undefined && !this.errorSamples.has(code)) this.errorSamples.set(code, detail.length > 300 ? `${detail.slice(0, 300)}…` : detail);
  }

  /** A send answered with an error frame instead of an ack (the error itself is counted apart). */
  refuse(code: string): void {
    this.refused++;
    this.refusedByCode.set(code, (this.refusedByCode.get(code) ?? 0) + 1);
  }

  closed(code: number): void {
    const key = String(code);
    this.closes.set(key, (this.closes.get(key) ?? 0) + 1);
  }

  joined(): void {
    this.connected++;
    if (this.connected > this.peakConnected) this.peakConnected = this.connected;
  }
}
