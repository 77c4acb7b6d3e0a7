// Counts keyed by string in a SharedArrayBuffer, updated with Atomics, so every chat thread sees
// one number: connections per IP and members per room. An open-addressing table of (32-bit FNV-1a
// hash of the key, count). Two keys whose hashes collide share a count (unlikely over thousands of
// slots); when the table is full, add() reports it and callers fall back to thread-local counts.
import type { IpCounter } from '../../core/ip-counter.js';
import { fnv1a } from './fnv1a.js';

export class SharedCounts {
  readonly table: Int32Array;
  readonly slots: number;

  constructor(buffer: SharedArrayBuffer) {
    this.table = new Int32Array(buffer);
    this.slots = this.table.length / 2;
  }

  static create(slots: number): SharedArrayBuffer {
    return new SharedArrayBuffer(slots * 2 * 4);
  }

  /** Add delta unless the count would pass max (0 = no limit). False when refused. */
  add(key: string, delta: number, max = 0): boolean {
    const slot = this.slot(key, delta > 0);
    if (slot < 0) return true;
    const at = 2 * slot + 1;
    if (max <= 0 || delta < 0) {
      Atomics.add(this.table, at, delta);
      return true;
    }
    while (true) {
      const n = Atomics.load(this.table, at);
      if (n + delta > max) return false;
      if (Atomics.compareExchange(this.table, at, n, n + delta) === n) return true;
    }
  }

  /** The count, or undefined when the key has no slot (table full). */
  get(key: string): number | undefined {
    const slot = this.slot(key, false);
    return slot < 0 ? undefined : Atomics.load(this.table, 2 * slot + 1);
  }

  /** The slot holding key's hash (claiming a free one when asked); -1 when not found or full. */
  private slot(key: string, claim: boolean): number {
    const h = fnv1a(key);
    const mark = h | 1; // never 0, which marks a free slot
    for (let probe = 0; probe < this.slots; probe++) {
      const s = ((h >>> 0) + probe) % this.slots;
      const k = Atomics.load(this.table, 2 * s);
      if (k === mark) return s;
      if (k === 0) {
        if (!claim) return -1;
        const prev = Atomics.compareExchange(this.table, 2 * s, 0, mark);
        if (prev === 0 || prev === mark) return s;
      }
    }
    return -1;
  }
}

/** --max-conns-per-ip across threads. */
export class SharedIpCounter implements IpCounter {
  private readonly mine = new Map<string, number>(); // this thread's share, for leak checks

  constructor(private readonly counts: SharedCounts) {}

  tryAdd(ip: string, max: number): boolean {
    if (!this.counts.add(ip, 1, max)) return false;
    this.mine.set(ip, (this.mine.get(ip) ?? 0) + 1);
    return true;
  }

  remove(ip: string): void {
    this.counts.add(ip, -1);
    const m = (this.mine.get(ip) ?? 1) - 1;
    if (m <= 0) this.mine.delete(ip);
    else this.mine.set(ip, m);
  }

  get size(): number {
    return this.mine.size;
  }
}
