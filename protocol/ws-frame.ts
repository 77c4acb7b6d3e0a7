// A text message framed once for every receiver (RFC 6455 §5.2, server to client: FIN, opcode 1,
// unmasked): a room's fan-out writes these same bytes to each member's socket instead of having
// the WebSocket library encode and frame the string again per member (what µWebSockets' publish
// does natively). The bytes are made on first use, so a frame no socket takes costs nothing.

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
  out.write(text, header, 'utf8');
  return out;
}

/** Bytes an outgoing frame puts on the wire (payload only for a string: near enough for bounds). */
export function frameBytes(f: OutFrame): number {
  return typeof f === 'string' ? f.length : f.wire.length;
}
