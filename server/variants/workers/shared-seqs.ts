// Each room's seq counter in a SharedArrayBuffer, so that the thread a sender is on numbers its
// message itself (Atomics.add) instead of asking the room's owner thread: one cross-thread post
// per message instead of one there and one back. An open-addressing table keyed by two 32-bit
// hashes of the room name (64 bits: two rooms collide with odds ≈ rooms² / 2^65). A slot is
// claimed once and never freed, as a room's seq is kept for the life of the data; when the table
// is full, slot() says so and the room is numbered by its owner thread as before.

import { fnv1a } from './fnv1a.js';

const WORDS = 5; // state, hash1, hash2, next seq - 1 (the last taken), base (the seq it started from)
const FREE = 0;
const CLAIMING = 1;
const READY = 2;

export class SharedSeqs {
  private readonly table: Int32Array;
  private readonly slots: number;

  constructor(buffer: SharedArrayBuffer) {
    this.table = new Int32Array(buffer);
    this.slots = this.table.length / WORDS;
  }

  static create(slots: number): SharedArrayBuffer {
    return new SharedArrayBuffer(slots * WORDS * 4);
  }

  /** The room's slot, claimed (starting at `initial()`) when no thread has claimed it yet; -1 when
   * the table is full. */
  slot(room: string, initial: () => number): number {
    const h1 = fnv1a(room);
    let h2 = 5381; // djb2: a second, independent 32 bits
    for (let i = 0; i < room.length; i++) h2 = (Math.imul(h2, 33) + room.charCodeAt(i)) | 0;
    for (let probe = 0; probe < this.slots; probe++) {
      const s = (((h1 >>> 0) + probe) % this.slots) * WORDS;
      let state = Atomics.load(this.table, s);
      if (state === FREE && Atomics.compareExchange(this.table, s, FREE, CLAIMING) === FREE) {
        const base = initial();
        this.table[s + 1] = h1;
        this.table[s + 2] = h2;
        this.table[s + 3] = base;
        this.table[s + 4] = base;
        Atomics.store(this.table, s, READY); // publishes the words above (Atomics are seq-cst)
        Atomics.notify(this.table, s);
        return s / WORDS;
      }
      // another thread is claiming this slot (for this room or another): wait for its words
      while ((state = Atomics.load(this.table, s)) === CLAIMING) Atomics.wait(this.table, s, CLAIMING, 5);
      if (this.table[s + 1] === h1 && this.table[s + 2] === h2) return s / WORDS;
    }
    return -1;
  }

  /** Take the room's next seq. */
  next(slot: number): number {
    return Atomics.add(this.table, slot * WORDS + 3, 1) + 1;
  }

  /** The seq the room stood at when it was claimed: every seq after it is announced to every thread. */
  base(slot: number): number {
    return this.table[slot * WORDS + 4]!;
  }
}
