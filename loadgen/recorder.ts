// What one generator process measured: histograms (µs) and counters. Clients only call record*
// methods; the process turns this into per-second ticks and a final report.
import { createHistogram, record, type Histogram } from './histogram.js';

export class Recorder {
  readonly e2e = createHistogram(); // from the intended send time (coordinated omission corrected)
  readonly e2eUncorrected = createHistogram(); // from the actual send time
  readonly ack = createHistogram();
  readonly connect = createHistogram();
  second: Histogram = createHistogram(); // e2e of the current second

  connected = 0;
  connecting = 0;
  peakConnected = 0;
  connectOk = 0;
  connectFailed = 0;
  connectRetries = 0;
  reconnects = 0;
  sent = 0;
  acked = 0;
  delivered = 0;
  duplicated = 0;
  reordered = 0;
  errorCount = 0;
  lastDeliveryUs = 0;
  readonly errors = new Map<string, number>();
  readonly closes = new Map<string, number>();

  delivery(nowUs: number, intendedUs: number, actualUs: number): void {
    record(this.e2e, nowUs - intendedUs);
    record(this.e2eUncorrected, nowUs - actualUs);
    record(this.second, nowUs - intendedUs);
  }

  error(code: string): void {
    this.errorCount++;
    this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
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
