// Histograms recorded in several processes travel encoded and are merged: the merge must equal
// recording everything in one histogram.
import { describe, expect, it } from 'vitest';
import { createHistogram, decode, encode, mergeEncoded, record, summarize } from '../results/histogram.js';
import { Recorder } from '../loadgen/worker/recorder.js';

describe('histogram merge', () => {
  it('equals one-process recording, percentile for percentile', () => {
    const one = createHistogram();
    const parts = [createHistogram(), createHistogram(), createHistogram()];
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 30_000; i++) {
      // a long tail: mostly around 1 ms, some up to seconds
      const us = rand() < 0.99 ? 200 + rand() * 2000 : 10_000 + rand() * 2_000_000;
      record(one, us);
      record(parts[i % 3]!, us);
    }
    const merged = mergeEncoded(parts.map(encode));
    expect(merged.totalCount).toBe(one.totalCount);
    for (const p of [0, 50, 90, 99, 99.9, 99.99, 100]) expect(merged.getValueAtPercentile(p)).toBe(one.getValueAtPercentile(p));
    // the encoding keeps max to within the histogram's 3 significant digits, so compare summaries
    // with the single histogram after the same trip through the encoding
    const oneAfterTrip = mergeEncoded([encode(one)]);
    expect(summarize(merged)).toEqual(summarize(oneAfterTrip));
    expect(Math.abs(summarize(merged).max! - one.maxValue / 1000) / (one.maxValue / 1000)).toBeLessThan(0.001);
  });

  it('is not the average of the parts’ percentiles', () => {
    const fast = createHistogram();
    const slow = createHistogram();
    for (let i = 0; i < 990; i++) record(fast, 1000);
    for (let i = 0; i < 10; i++) record(slow, 1_000_000);
    const merged = mergeEncoded([encode(fast), encode(slow)]);
    const averaged = (fast.getValueAtPercentile(99) + slow.getValueAtPercentile(99)) / 2;
    expect(merged.getValueAtPercentile(99)).toBeCloseTo(1000, -1);
    expect(averaged).toBeGreaterThan(400_000);
  });
});

describe('Recorder e2e', () => {
  it('has every second in the run histogram, and each second only its own values', () => {
    const rec = new Recorder();
    const one = createHistogram();
    const seconds: string[] = [];
    for (let sec = 0; sec < 4; sec++) {
      for (let i = 0; i < 1000; i++) {
        const latency = 100 + sec * 1000 + i; // each second its own range
        rec.delivery(10_000_000 + latency, 10_000_000, 10_000_000);
        record(one, latency);
      }
      if (sec < 3) seconds.push(rec.closeSecond()); // the last second is still open at the end
    }
    const all = rec.e2e();
    expect(all.totalCount).toBe(4000);
    for (const p of [0, 25, 50, 75, 99, 100]) expect(all.getValueAtPercentile(p)).toBe(one.getValueAtPercentile(p));
    seconds.forEach((encoded, sec) => {
      const h = decode(encoded);
      expect(h.totalCount).toBe(1000);
      expect(h.minNonZeroValue).toBeGreaterThanOrEqual(100 + sec * 1000 - 1);
      expect(h.maxValue).toBeLessThanOrEqual(100 + sec * 1000 + 1000);
    });
  });
});
