// Seeded, reproducible malformed input for the server: text frames the codec must refuse with a
// documented error code (the connection stays open), and frames that break RFC 6455 or the
// server's limits, which must end the connection with a documented close code.
import { seededRandom } from '../../ci/stats.js';
import { ErrorCode, ProtocolError } from '../../protocol/errors.js';
import { parseClientFrame } from '../../protocol/frames.js';
import type { FrameBits } from './raw-ws.js';

export interface SentFrame {
  payload: Buffer;
  bits: FrameBits;
}

/** A frame the codec refuses: one `error` frame with `code` answers it, the connection stays. */
export interface ErrorCase {
  kind: string;
  frames: SentFrame[];
  code: ErrorCode;
}

/** Input that must end the connection with `close` (a fresh connection each). */
export interface CloseCase {
  kind: string;
  frames: SentFrame[];
  close: number;
}

const TEMPLATES: Record<string, unknown>[] = [
  { type: 'auth', token: 'abc.def.ghi' },
  { type: 'join', room: 'fuzz', history: 5 },
  { type: 'leave', room: 'fuzz' },
  { type: 'say', room: 'fuzz', id: 7, ts: '1:2', body: 'hello' },
  { type: 'history', room: 'fuzz', limit: 10, before: 3 },
];

export class Malformed {
  private readonly random: () => number;

  constructor(
    seed: number,
    private readonly maxFrameBytes: number,
  ) {
    this.random = seededRandom(seed);
  }

  private int(n: number): number {
    return Math.floor(this.random() * n);
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }

  /** The codec's answer to a text: the error code it throws, or undefined when it accepts it. */
  static codecCode(text: string): ErrorCode | undefined {
    try {
      parseClientFrame(text);
      return undefined;
    } catch (err) {
      if (err instanceof ProtocolError) return err.code;
      throw err; // anything else is a codec bug the fuzzer exists to find
    }
  }

  /** A text the codec refuses (regenerated until it does), and how it is framed. */
  errorCase(): ErrorCase {
    if (this.random() < 0.05) return { kind: 'binary frame', frames: [{ payload: Buffer.alloc(this.int(300)), bits: { opcode: 0x2 } }], code: ErrorCode.BAD_FRAME };
    for (;;) {
      const [kind, text] = this.text();
      const code = Malformed.codecCode(text);
      if (code === undefined || Buffer.byteLength(text) > this.maxFrameBytes) continue;
      const payload = Buffer.from(text);
      if (this.random() < 0.1) return { kind: `${kind}+fragmented`, frames: this.fragments(payload), code };
      return { kind, frames: [{ payload, bits: { opcode: 0x1 } }], code };
    }
  }

  private text(): [string, string] {
    const t = this.pick(TEMPLATES);
    switch (this.int(6)) {
      case 0: {
        const s = JSON.stringify(t);
        return ['truncated JSON', s.slice(0, 1 + this.int(s.length - 1))];
      }
      case 1:
        return ['garbage', Array.from({ length: 1 + this.int(200) }, () => String.fromCharCode(32 + this.int(95))).join('')];
      case 2: {
        const keys = Object.keys(t);
        return ['wrong type', JSON.stringify({ ...t, [this.pick(keys)]: this.value() })];
      }
      case 3: {
        const key = this.pick(['token', 'room', 'type', 'id', 'ts', 'history', 'limit']);
        return ['huge field', JSON.stringify({ ...t, [key]: 'x'.repeat(4097 + this.int(this.maxFrameBytes - 4300)) })];
      }
      case 4: {
        const depth = 1000 + this.int(Math.floor(this.maxFrameBytes / 2) - 1100);
        return ['deeply nested', `{"type":"join","room":${'['.repeat(depth)}${']'.repeat(depth)}}`];
      }
      default:
        return ['not an object', this.pick(['null', '[]', '5', '"say"', 'true', '[{"type":"say"}]', '{}', '{"type":null}', '{"type":"shout"}'])];
    }
  }

  private value(): unknown {
    switch (this.int(7)) {
      case 0: return null;
      case 1: return this.random() * 1e20 - 5e19;
      case 2: return this.random() < 0.5;
      case 3: return [1, 'a', null];
      case 4: return { nested: { deeper: [] } };
      case 5: return -1 - this.int(1000);
      default: return '';
    }
  }

  private fragments(payload: Buffer): SentFrame[] {
    const n = Math.min(payload.length, 2 + this.int(200));
    const out: SentFrame[] = [];
    const step = Math.ceil(payload.length / n);
    for (let i = 0; i < payload.length; i += step) {
      out.push({ payload: payload.subarray(i, i + step), bits: { opcode: i === 0 ? 0x1 : 0x0, fin: i + step >= payload.length } });
    }
    return out;
  }

  /** Input that must close the connection, with the code RFC 6455 / the server documents. */
  closeCase(): CloseCase {
    const text = (s: string, bits: Partial<FrameBits> = {}) => ({ payload: Buffer.from(s), bits: { opcode: 0x1, ...bits } });
    switch (this.int(9)) {
      case 0: {
        const bad = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc3, 0x28, 0xed, 0xa0, 0x80, 0x22, 0x7d]); // {"…"} with invalid sequences
        return { kind: 'invalid UTF-8', frames: [{ payload: bad.subarray(0, 3 + this.int(bad.length - 3)), bits: { opcode: 0x1 } }], close: 1007 };
      }
      case 1:
        return { kind: 'oversize frame', frames: [{ payload: Buffer.alloc(this.maxFrameBytes + 1 + this.int(100_000), 0x61), bits: { opcode: 0x1 } }], close: 1009 };
      case 2:
        return { kind: 'frame announcing 2^40 bytes', frames: [{ payload: Buffer.alloc(0), bits: { opcode: 0x1, declaredLength: 2 ** 40 } }], close: 1009 };
      case 3: {
        const piece = Buffer.alloc(1 + this.int(4096), 0x20);
        const n = Math.ceil((this.maxFrameBytes + 1) / piece.length) + 1;
        return { kind: 'fragment flood', frames: Array.from({ length: n }, (_, i) => ({ payload: piece, bits: { opcode: i === 0 ? 0x1 : 0x0, fin: false } })), close: 1009 };
      }
      case 4:
        return { kind: 'reserved opcode', frames: [{ payload: Buffer.from('x'), bits: { opcode: this.pick([3, 4, 5, 6, 7, 0xb, 0xc, 0xd, 0xe, 0xf]) } }], close: 1002 };
      case 5:
        return { kind: 'reserved bits', frames: [text('{"type":"leave","room":"a"}', { rsv: 1 + this.int(7) })], close: 1002 };
      case 6:
        return { kind: 'unmasked frame', frames: [text('{"type":"leave","room":"a"}', { masked: false })], close: 1002 };
      case 7: {
        const big = this.random() < 0.5; // a ping over 125 bytes, or a fragmented one
        return { kind: 'oversized or fragmented control frame', frames: [{ payload: Buffer.alloc(big ? 126 + this.int(200) : 4), bits: { opcode: 0x9, fin: big && this.random() < 0.5 } }], close: 1002 };
      }
      default:
        return { kind: 'continuation with nothing to continue', frames: [{ payload: Buffer.from('x'), bits: { opcode: 0x0 } }], close: 1002 };
    }
  }
}
