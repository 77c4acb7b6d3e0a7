// The pre-framed fan-out's bytes are a WebSocket frame ws itself reads back as the same text, at
// each of the three length encodings.
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import type { Writable } from 'node:stream';
import { frameBytes, frameText, headerViolation, SharedFrame, websocketAccept } from '../protocol/ws-frame.js';

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

describe('header rules both ends share', () => {
  it('answers the RFC 6455 sample key', () => {
    expect(websocketAccept('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('wants a mask from clients and none from servers, and refuses reserved bits, opcodes and bad control frames', () => {
    expect(headerViolation(0x81, 0x85, true)).toBeUndefined(); // masked text from a client
    expect(headerViolation(0x81, 0x05, false)).toBeUndefined(); // unmasked text from a server
    expect(headerViolation(0x81, 0x05, true)).toMatch(/unmasked/);
    expect(headerViolation(0x81, 0x85, false)).toMatch(/masked frame from the server/);
    expect(headerViolation(0xc1, 0x85, true)).toMatch(/reserved bits/);
    expect(headerViolation(0x83, 0x85, true)).toMatch(/reserved opcode 0x3/);
    expect(headerViolation(0x09, 0x80, true)).toMatch(/control frame/); // a ping without FIN
    expect(headerViolation(0x89, 0xfe, true)).toMatch(/control frame/); // a ping of 126+ bytes
    expect(headerViolation(0x89, 0xfd, true)).toBeUndefined(); // 125 bytes is allowed
  });
});
