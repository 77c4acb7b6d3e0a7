// Byte-level readers for the server frames a load generator sees most (`msg`, `ack`). They rely on
// the fixed field order of protocol/frames.ts (`body` last), so a `"seq":` inside a body is never
// matched first. No strings are made; anything unexpected returns -1 and the caller falls back to
// JSON.parse.

const MSG_PREFIX = Buffer.from('{"type":"msg",');
const ACK_PREFIX = Buffer.from('{"type":"ack",');
const SEQ_KEY = Buffer.from('"seq":');
const ID_KEY = Buffer.from('"id":');
const TS_KEY = Buffer.from('"ts":"');

function startsWith(buf: Buffer, start: number, end: number, prefix: Buffer): boolean {
  return end - start >= prefix.length && buf.compare(prefix, 0, prefix.length, start, start + prefix.length) === 0;
}

export function isMsg(buf: Buffer, start: number, end: number): boolean {
  return startsWith(buf, start, end, MSG_PREFIX);
}

export function isAck(buf: Buffer, start: number, end: number): boolean {
  return startsWith(buf, start, end, ACK_PREFIX);
}

/** Position just after `key` within [start, end), or -1. */
export function find(buf: Buffer, key: Buffer, start: number, end: number): number {
  const at = buf.indexOf(key, start);
  return at < 0 || at + key.length > end ? -1 : at + key.length;
}

/** Reads numbers out of frame bytes. Each read also says where the number ended (`after`), so
 * the next field can be looked for from there: one reader per process, state in plain sight. */
export class NumberScanner {
  /** The byte after the last number read. */
  after = 0;

  /** The unsigned integer at `at` (digits until a non-digit), or -1 — also when it is not a safe
   * integer (a server's seq of 2^64 is untrusted input, not a number to compute with). */
  readUint(buf: Buffer, at: number, end: number): number {
    let n = 0;
    let i = at;
    for (; i < end; i++) {
      const c = buf[i]! - 48;
      if (c < 0 || c > 9) break;
      n = n * 10 + c;
    }
    this.after = i;
    return i === at || n > Number.MAX_SAFE_INTEGER ? -1 : n;
  }

  /** The `seq` number, or -1 when it is absent, not an integer (5.5, "5", -5) or not safe. */
  seqOf(buf: Buffer, start: number, end: number): number {
    const at = find(buf, SEQ_KEY, start, end);
    if (at < 0) return -1;
    const n = this.readUint(buf, at, end);
    const next = buf[this.after];
    return this.after < end && (next === 0x2c || next === 0x7d) ? n : -1; // followed by , or }
  }

  idOf(buf: Buffer, start: number, end: number): number {
    const at = find(buf, ID_KEY, start, end);
    return at < 0 ? -1 : this.readUint(buf, at, end);
  }
}

/** Position of the first digit of a `"ts":"…"` string value, or -1. */
export function tsAt(buf: Buffer, start: number, end: number): number {
  return find(buf, TS_KEY, start, end);
}
