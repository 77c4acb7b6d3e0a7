// Sequence gaps as ranges: what a receiver is missing costs memory per gap, never per seq, and
// never more than MAX_RANGES ranges whatever a server sends.
import { describe, expect, it } from 'vitest';
import { Gaps, MAX_RANGES } from '../loadgen/worker/client/gaps.js';
import { NumberScanner } from '../protocol/scan.js';

describe('Gaps', () => {
  it('fills seqs from the middle, the edges and whole ranges', () => {
    const g = new Gaps();
    g.add(2, 5);
    g.add(8, 8);
    expect(g.missing).toBe(5);
    expect(g.fill(3)).toBe(true); // splits 2–5 into 2 and 4–5
    expect(g.fill(3)).toBe(false);
    expect(g.fill(2)).toBe(true);
    expect(g.fill(5)).toBe(true);
    expect(g.fill(8)).toBe(true);
    expect(g.fill(7)).toBe(false);
    expect(g.missing).toBe(1);
    expect(g.rangeCount).toBe(1);
  });

  it('holds a gap of 2^53 as one range', () => {
    const g = new Gaps();
    g.add(1, Number.MAX_SAFE_INTEGER - 1);
    expect(g.missing).toBe(Number.MAX_SAFE_INTEGER - 1);
    expect(g.rangeCount).toBe(1);
    expect(g.fill(123_456_789)).toBe(true);
    expect(g.rangeCount).toBe(2);
  });

  it('never holds more than MAX_RANGES ranges: the oldest are given up but still counted missing', () => {
    const g = new Gaps();
    let gaveUp = 0;
    for (let i = 0; i < 1_000_000; i++) if (g.add(2 * i, 2 * i)) gaveUp++;
    expect(g.rangeCount).toBe(MAX_RANGES);
    expect(gaveUp).toBe(1_000_000 - MAX_RANGES);
    expect(g.missing).toBe(1_000_000);
    expect(g.overflowed).toBe(true);
    expect(g.fill(0)).toBe(false); // given up: reads as a duplicate
    expect(g.fill(2 * 999_999)).toBe(true);
  });
});

describe('seqOf on untrusted frames', () => {
  const seq = (s: string) => new NumberScanner().seqOf(Buffer.from(s), 0, s.length);
  it('reads safe integers only', () => {
    expect(seq('{"type":"msg","seq":42,"ts":"1:2"}')).toBe(42);
    expect(seq('{"type":"msg","seq":9007199254740991}')).toBe(9007199254740991);
    expect(seq('{"type":"msg","seq":9007199254740993}')).toBe(-1);
    expect(seq(`{"type":"msg","seq":${'9'.repeat(400)}}`)).toBe(-1);
    expect(seq('{"type":"msg","seq":"5"}')).toBe(-1);
    expect(seq('{"type":"msg","seq":-5}')).toBe(-1);
    expect(seq('{"type":"msg","seq":5.5}')).toBe(-1);
    expect(seq('{"type":"msg","seq":5')).toBe(-1); // truncated
  });
});
