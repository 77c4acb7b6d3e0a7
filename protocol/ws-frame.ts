// A text message framed once for every receiver (RFC 6455 §5.2, server to client: FIN, opcode 1,
// unmasked): a room's fan-out writes these same bytes to each member's socket instead of having
// the WebSocket library encode and frame the string again per member (what µWebSockets' publish
// does natively). The bytes are made on first use, so a frame no socket takes costs nothing.

import { createHash } from 'node:crypto';

export class SharedFrame {
  private bytes: Buffer | undefined;

  constructor(readonly text: string) {}

  /** Header and UTF-8 payload in one buffer: one write per socket. */
  get wire(): Buffer {
    return (this.bytes ??= frameText(this.text));
  }
}

/** An outgoing frame: a string only one connection gets (ack, error, joined…), or a SharedFrame. */
export type OutFrame = string | SharedFrame;

export function frameText(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const out = allocTextFrame(length);
  out.write(text, out.length - length, 'utf8');
  return out;
}

/** A server text frame of `length` payload bytes with its header written; the payload goes in
 * its last `length` bytes. */
export function allocTextFrame(length: number): Buffer {
  const header = length < 126 ? 2 : length < 65_536 ? 4 : 10;
  const out = Buffer.allocUnsafe(header + length);
  out[0] = 0x81; // FIN, text
  if (header === 2) out[1] = length;
  else if (header === 4) {
    out[1] = 126;
    out.writeUInt16BE(length, 2);
  } else {
    out[1] = 127;
    out.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    out.writeUInt32BE(length >>> 0, 6);
  }
  return out;
}

/** Bytes an outgoing frame puts on the wire (payload only for a string: near enough for bounds). */
export function frameBytes(f: OutFrame): number {
  return typeof f === 'string' ? f.length : f.wire.length;
}

/** A control frame from the server (close 0x8, ping 0x9, pong 0xA): FIN, unmasked, ≤ 125 bytes. */
export function frameControl(opcode: number, payload: Buffer = EMPTY): Buffer {
  const out = Buffer.allocUnsafe(2 + payload.length);
  out[0] = 0x80 | opcode;
  out[1] = payload.length;
  payload.copy(out, 2);
  return out;
}

/** A close frame with `code` (none for 1005, "no status") and a reason cut to fit 125 bytes. */
export function frameClose(code: number, reason = ''): Buffer {
  if (code === 1005) return frameControl(0x8);
  let text = Buffer.from(reason);
  while (text.length > 123) text = Buffer.from((reason = reason.slice(0, -1))); // whole characters only
  const payload = Buffer.allocUnsafe(2 + text.length);
  payload.writeUInt16BE(code, 0);
  text.copy(payload, 2);
  return frameControl(0x8, payload);
}

const EMPTY = Buffer.alloc(0);

const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11'; // RFC 6455 §1.3

/** The Sec-WebSocket-Accept value that answers a Sec-WebSocket-Key. */
export function websocketAccept(key: string): string {
  return createHash('sha1').update(key + HANDSHAKE_GUID).digest('base64');
}

/** What RFC 6455 §5.2 forbids in a frame's first two bytes, whichever side reads it: reserved
 * bits (no extension is negotiated), reserved opcodes, a mask the wrong way round (clients must
 * mask, servers must not), a fragmented or oversized control frame. Undefined when there is
 * none. `fromClient`: the frame was sent by a client. */
export function headerViolation(b0: number, b1: number, fromClient: boolean): string | undefined {
  const opcode = b0 & 0x0f;
  if (b0 & 0x70) return 'reserved bits set (no extension was negotiated)';
  if ((opcode > 0x2 && opcode < 0x8) || opcode > 0xa) return `reserved opcode 0x${opcode.toString(16)}`;
  if (((b1 & 0x80) !== 0) !== fromClient) return fromClient ? 'an unmasked frame from a client' : 'a masked frame from the server';
  if (opcode >= 0x8 && (!(b0 & 0x80) || (b1 & 0x7f) > 125)) return 'a fragmented or oversized control frame';
  return undefined;
}
