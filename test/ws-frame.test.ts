// The pre-framed fan-out's bytes are a WebSocket frame ws itself reads back as the same text, at
// each of the three length encodings.
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import { frameBytes, frameText, SharedFrame } from '../protocol/ws-frame.js';

// ws's own frame parser (exported by ws, not by its type definitions)
const { Receiver } = createRequire(import.meta.url)('ws') as { Receiver: new (o: { isServer: boolean }) => Writable };

function readBack(wire: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new Receiver({ isServer: false }); // a client reads unmasked server frames
    r.on('message', (data: Buffer, isBinary: boolean) => (isBinary ? reject(new Error('binary')) : resolve(data.toString())));
    r.on('error', reject);
    r.write(wire);
  });
}

describe('frameText', () => {
  it.each([0, 5, 125, 126, 65_535, 65_536, 200_000])('frames %i bytes of text so ws reads the same text back', async (n) => {
    const text = 'é'.repeat(Math.floor(n / 2)) + 'x'.repeat(n % 2); // multi-byte UTF-8: length in bytes, not characters
    const wire = frameText(text);
    expect(wire[0]).toBe(0x81);
    expect(await readBack(wire)).toBe(text);
  });

  it('makes the bytes once, on first use, and counts them for the outbox', () => {
    const f = new SharedFrame('{"type":"msg"}');
    expect(f.wire).toBe(f.wire);
    expect(frameBytes(f)).toBe(2 + 14);
    expect(frameBytes('abc')).toBe(3);
  });
});
