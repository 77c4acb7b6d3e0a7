// The sequence numbers a receiver is still missing, as ranges [lo, hi] in ascending order. Memory
// is bounded whatever a server sends: a gap of ten million seqs is one range, and past MAX_RANGES
// separate gaps the oldest ranges are given up (still counted as missing, never looked up again).
// A late arrival of a given-up seq then reads as a duplicate; `overflowed` says that happened.

export const MAX_RANGES = 1024;

export class Gaps {
  private readonly ranges: number[] = []; // lo0, hi0, lo1, hi1, … ascending, disjoint
  private abandoned = 0; // seqs in ranges given up
  overflowed = false;

  /** seqs [lo, hi] are missing; lo is above every seq added before. Returns true when the bound
   * made it give up the oldest range. */
  add(lo: number, hi: number): boolean {
    const r = this.ranges;
    if (r.length >= 2 && r[r.length - 1]! === lo - 1) r[r.length - 1] = hi;
    else r.push(lo, hi);
    return this.bound();
  }

  /** Whether seq is missing (nothing changes). */
  includes(seq: number): boolean {
    const r = this.ranges;
    for (let a = 0, b = r.length / 2 - 1; a <= b; ) {
      const m = (a + b) >> 1;
      if (seq < r[2 * m]!) b = m - 1;
      else if (seq > r[2 * m + 1]!) a = m + 1;
      else return true;
    }
    return false;
  }

  /** A missing seq arrived: true if it was missing (and no longer is). */
  fill(seq: number): boolean {
    const r = this.ranges;
    let a = 0;
    let b = r.length / 2 - 1;
    while (a <= b) {
      const m = (a + b) >> 1;
      const lo = r[2 * m]!;
      const hi = r[2 * m + 1]!;
      if (seq < lo) b = m - 1;
      else if (seq > hi) a = m + 1;
      else {
        if (lo === hi) r.splice(2 * m, 2);
        else if (seq === lo) r[2 * m] = lo + 1;
        else if (seq === hi) r[2 * m + 1] = hi - 1;
        else {
          r.splice(2 * m, 2, lo, seq - 1, seq + 1, hi);
          this.bound();
        }
        return true;
      }
    }
    return false;
  }

  private bound(): boolean {
    const r = this.ranges;
    if (r.length <= MAX_RANGES * 2) return false;
    this.abandoned += r[1]! - r[0]! + 1;
    r.splice(0, 2);
    this.overflowed = true;
    return true;
  }

  /** Seqs still missing, those given up included. */
  get missing(): number {
    let n = this.abandoned;
    for (let i = 0; i < this.ranges.length; i += 2) n += this.ranges[i + 1]! - this.ranges[i]! + 1;
    return n;
  }

  /** The lowest seq still missing (given-up ranges apart), if any. */
  get lowest(): number | undefined {
    return this.ranges[0];
  }

  /** Ranges held now (for tests of the bound). */
  get rangeCount(): number {
    return this.ranges.length / 2;
  }
}
