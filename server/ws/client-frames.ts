// Frames from a WebSocket client (RFC 6455 §5): the header read and checked before any payload is
// buffered, so a frame that breaks the protocol or announces too many bytes is refused at once.
// The checks both ends share are protocol/ws-frame.ts's headerViolation; close codes follow `ws`
// (which the server used before): 1002 for a protocol violation, 1009 for a length over the
// limit, 1007 for invalid UTF-8 (checked by the caller).

import { headerViolation } from '../../protocol/ws-frame.js';

export class WsProtocolError extends Error {
  constructor(
    readonly closeCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface FrameHeader {
  fin: boolean;
  opcode: number;
  headerBytes: number; // including the 4-byte masking key
  payloadBytes: number;
}

/** The header of the frame at buf[off]: a FrameHeader, the number of bytes needed to read it
 * when buf ends too soon, or the violation it is. `fragmented`: a fragmented message is open. */
export function frameHeader(buf: Buffer, off: number, fragmented: boolean): FrameHeader | number | WsProtocolError {
  const left = buf.length - off;
  if (left < 2) return 2;
  const b0 = buf[off]!;
  const b1 = buf[off + 1]!;
  const opcode = b0 & 0x0f;
  const fin = (b0 & 0x80) !== 0;
  const len7 = b1 & 0x7f;
  const why = headerViolation(b0, b1, true);
  if (why) return violation('WS_ERR_PROTOCOL', why);
  if (opcode === 0x0 && !fragmented) return violation('WS_ERR_INVALID_OPCODE', 'a continuation frame with nothing to continue');
  if ((opcode === 0x1 || opcode === 0x2) && fragmented) return violation('WS_ERR_INVALID_OPCODE', 'a new message inside a fragmented one');
  const headerBytes = len7 === 126 ? 8 : len7 === 127 ? 14 : 6;
  if (left < headerBytes) return headerBytes;
  let payloadBytes = len7;
  if (len7 === 126) payloadBytes = buf.readUInt16BE(off + 2);
  else if (len7 === 127) {
    const high = buf.readUInt32BE(off + 2);
    if (high > 0x1f_ffff) return new WsProtocolError(1009, 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH', 'a payload length over 2^53 - 1');
    payloadBytes = high * 2 ** 32 + buf.readUInt32BE(off + 6);
  }
  return { fin, opcode, headerBytes, payloadBytes };
}

function violation(code: string, message: string): WsProtocolError {
  return new WsProtocolError(1002, code, message);
}

/** XOR the payload with the 4-byte key at buf[keyAt] (in place). */
export function unmask(payload: Buffer, buf: Buffer, keyAt: number): void {
  const k0 = buf[keyAt]!;
  const k1 = buf[keyAt + 1]!;
  const k2 = buf[keyAt + 2]!;
  const k3 = buf[keyAt + 3]!;
  const n = payload.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    payload[i] = payload[i]! ^ k0;
    payload[i + 1] = payload[i + 1]! ^ k1;
    payload[i + 2] = payload[i + 2]! ^ k2;
    payload[i + 3] = payload[i + 3]! ^ k3;
  }
  if (i < n) payload[i] = payload[i]! ^ k0;
  if (i + 1 < n) payload[i + 1] = payload[i + 1]! ^ k1;
  if (i + 2 < n) payload[i + 2] = payload[i + 2]! ^ k2;
}

/** A code a close frame may carry (RFC 6455 §7.4; 1004–1006 and 1015 are never sent). */
export function isValidCloseCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}
