// The generator's WebSocket frame parser, fed bytes directly (no socket), the way ws tests its
// Receiver: every frame must come out whole whatever way the stream is cut into reads.
import { describe, expect, it } from 'vitest';
import { WsConnection, WsState } from '../loadgen/worker/client/ws-connection.js';

class Recorder extends WsConnection {
  readonly texts: string[] = [];
  constructor() {
    super();
    this.state = WsState.Open;
  }
  protected opened(): void {}
  protected text(buf: Buffer, start: number, end: number): void {
    this.texts.push(buf.toString('utf8', start, end));
  }
  protected ended(): void {}
}

/** An unmasked server text frame (FIN set), or a fragment when fin is false / opcode 0. */
function frame(payload: string, opcode = 0x1, fin = true): Buffer {
  const body = Buffer.from(payload);
  const n = body.length;
  const head = n < 126 ? Buffer.from([0, n]) : n < 65_536 ? Buffer.alloc(4) : Buffer.alloc(10);
  if (n >= 126 && n < 65_536) {
    head[1] = 126;
    head.writeUInt16BE(n, 2);
  } else if (n >= 65_536) {
    head[1] = 127;
    head.writeUInt32BE(0, 2);
    head.writeUInt32BE(n, 6);
  }
  head[0] = (fin ? 0x80 : 0) | opcode;
  return Buffer.concat([head, body]);
}

function feed(chunks: Buffer[]): Recorder {
  const r = new Recorder();
  for (const c of chunks) r.onBytes(c);
  return r;
}

const small = ['', 'a', '{"type":"msg","seq":1}', 'x'.repeat(125), 'y'.repeat(126), 'z'.repeat(300)];
const smallStream = Buffer.concat([...small.map((t) => frame(t)), frame('frag', 0x1, false), frame('ment', 0x0, true)]);
const expected = [...small, 'fragment'];

describe('generator frame parser', () => {
  it('reads frames whole from one chunk', () => {
    expect(feed([smallStream]).texts).toEqual(expected);
  });

  it('reads them whole at every split point, headers included', () => {
    for (let i = 1; i < smallStream.length; i++) {
      expect(feed([smallStream.subarray(0, i), smallStream.subarray(i)]).texts, `split at ${i}`).toEqual(expected);
    }
  });

  it('reads them one byte at a time', () => {
    const bytes = Array.from({ length: smallStream.length }, (_, i) => smallStream.subarray(i, i + 1));
    expect(feed(bytes).texts).toEqual(expected);
  });

  it('reads 16- and 64-bit lengths under random cuts', () => {
    const texts = ['a'.repeat(70_000), 'b'.repeat(65_535), 'c'.repeat(3), 'd'.repeat(200_000)];
    const stream = Buffer.concat(texts.map((t) => frame(t)));
    let seed = 7;
    const rand = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let round = 0; round < 20; round++) {
      const chunks: Buffer[] = [];
      for (let at = 0; at < stream.length; ) {
        const len = 1 + Math.floor(rand() * (rand() < 0.3 ? 12 : 40_000));
        chunks.push(stream.subarray(at, at + len));
        at += len;
      }
      expect(feed(chunks).texts.map((t) => t.length)).toEqual(texts.map((t) => t.length));
    }
  });
});
