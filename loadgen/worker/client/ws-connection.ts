// A lean WebSocket client over net.Socket for the load generator: handshake, frame parsing and
// masked sends, nothing else. Holding tens of thousands of these must cost a few KiB each, so
// there are no closures per connection: socket listeners are module functions that reach the
// connection through the socket, and subclasses receive frames as byte ranges (no string copy).
//
// Outgoing frames use an all-zero masking key. RFC 6455 asks clients for unpredictable keys to
// protect caching intermediaries; a load generator on loopback has none, and a zero key makes
// masking a no-op (ws offers `generateMask` for the same reason).
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { ClientError, ClientFailure } from './client-errors.js';
import { headerViolation, websocketAccept } from '../../../protocol/ws-frame.js';
import { readTurnStart } from './read-turn.js';

// One read buffer for every socket of the process (net's `onread`): no Buffer and no stream
// machinery per read. Reads are handled synchronously; bytes kept across reads are copied.
const READ_BUFFER = Buffer.allocUnsafe(256 * 1024);
const HEADER_END = Buffer.from('\r\n\r\n');
const MAX_HANDSHAKE_BYTES = 16 * 1024; // an upgrade response longer than this is not one
const kOwner = Symbol('chatbench.conn');
type OwnedSocket = Socket & { [kOwner]?: WsConnection };

export const WsState = { Idle: 0, Connecting: 1, Open: 2, Closed: 3 } as const;
export type WsState = (typeof WsState)[keyof typeof WsState];

export interface ConnectTarget {
  host: string;
  port: number;
  path: string;
  localAddress?: string;
  headers?: string; // extra raw header lines, each ending in \r\n
}

export abstract class WsConnection {
  /** Largest frame (or fragmented message) a server may send before the connection is closed
   * with 1009: whatever length a frame announces, the generator never buffers more. */
  static maxFrameBytes = 1024 * 1024;
  state: WsState = WsState.Idle;
  protected socket: OwnedSocket | undefined;
  private pending: Buffer | undefined; // bytes not yet parsed
  private key = '';
  private fragments: Buffer[] | undefined;

  /** The upgrade completed. */
  protected abstract opened(): void;
  /** A complete text frame, as bytes [start, end) of buf. */
  protected abstract text(buf: Buffer, start: number, end: number): void;
  /** The connection ended (code 1006 when no close frame was received). */
  protected abstract ended(code: number, error?: Error): void;

  connect(t: ConnectTarget): void {
    this.state = WsState.Connecting;
    this.key = randomBytes(16).toString('base64');
    const socket = connect({ host: t.host, port: t.port, localAddress: t.localAddress, noDelay: true, onread: { buffer: READ_BUFFER, callback: onRead } }) as OwnedSocket;
    socket[kOwner] = this;
    this.socket = socket;
    socket.on('error', onError);
    socket.on('close', onClose);
    socket.write(
      `GET ${t.path} HTTP/1.1\r\nHost: ${t.host}:${t.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${this.key}\r\nSec-WebSocket-Version: 13\r\n${t.headers ?? ''}\r\n`,
    );
  }

  /** Send one text frame; `byteLength` may be given when known (ASCII payloads). */
  sendText(payload: string, byteLength = Buffer.byteLength(payload)): boolean {
    if (this.state !== WsState.Open) return false;
    const head = byteLength < 126 ? 6 : byteLength < 65_536 ? 8 : 14;
    const frame = Buffer.allocUnsafe(head + byteLength);
    frame[0] = 0x81;
    if (byteLength < 126) frame[1] = 0x80 | byteLength;
    else if (byteLength < 65_536) {
      frame[1] = 0x80 | 126;
      frame.writeUInt16BE(byteLength, 2);
    } else {
      frame[1] = 0x80 | 127;
      frame.writeUInt32BE(0, 2);
      frame.writeUInt32BE(byteLength, 6);
    }
    frame.writeUInt32BE(0, head - 4); // zero masking key
    frame.write(payload, head, 'utf8');
    this.socket!.write(frame);
    return true;
  }

  /** @internal */ get currentSocket(): Socket | undefined {
    return this.socket;
  }

  /** Start the closing handshake (or drop the socket if it never opened). */
  close(code = 1000): void {
    if (this.state === WsState.Open) {
      const frame = Buffer.from([0x88, 0x82, 0, 0, 0, 0, code >> 8, code & 0xff]);
      this.socket!.end(frame);
    } else this.socket?.destroy();
  }

  /** Drop the TCP connection with no closing handshake. */
  destroy(): void {
    this.socket?.destroy();
  }

  /** Stop/start reading from the socket (slow consumers). */
  pauseReading(): void {
    this.socket?.pause();
  }
  resumeReading(): void {
    this.socket?.resume();
  }

  // ---- byte handling ----

  /** @internal */ onBytes(chunk: Buffer): void {
    let buf = chunk;
    let off = 0;
    if (this.state === WsState.Connecting) {
      if (this.pending) buf = Buffer.concat([this.pending, chunk]);
      this.pending = undefined;
      const end = buf.indexOf(HEADER_END);
      if (end < 0) {
        if (buf.length > MAX_HANDSHAKE_BYTES) return this.failHandshake(new ClientFailure(ClientError.BAD_HANDSHAKE, `upgrade response longer than ${MAX_HANDSHAKE_BYTES} bytes`));
        this.pending = Buffer.from(buf);
        return;
      }
      if (!this.handshakeOk(buf.toString('latin1', 0, end))) return;
      this.state = WsState.Open;
      this.opened();
      off = end + 4;
    } else if (this.pending) {
      off = this.completePending(chunk);
      if (off < 0) return; // the chunk was all part of a frame still incomplete
    }
    while (this.state === WsState.Open && buf.length - off >= 2) {
      const size = frameSize(buf, off);
      if (size < 0) break;
      if (!this.headerOk(buf, off, size)) return;
      if (buf.length - off < size) break;
      this.frameAt(buf, off, size);
      off += size;
    }
    if (off < buf.length && this.state === WsState.Open) this.pending = Buffer.from(buf.subarray(off));
  }

  /** Complete the frame begun in `pending` with just the bytes of `chunk` it still needs (not a
   * copy of the whole chunk) and handle it. Returns where the rest of the chunk starts, or -1. */
  private completePending(chunk: Buffer): number {
    let p = this.pending!;
    this.pending = undefined;
    let off = 0;
    // the header first, byte by byte as far as needed (2, 4 or 10 bytes), then the payload
    for (let need = headerNeed(p); need > p.length; need = headerNeed(p)) {
      const take = Math.min(need - p.length, chunk.length - off);
      p = Buffer.concat([p, chunk.subarray(off, off + take)]);
      off += take;
      if (p.length < need) {
        this.pending = p;
        return -1;
      }
    }
    const size = frameSize(p, 0);
    if (!this.headerOk(p, 0, size)) return -1;
    const take = Math.min(size - p.length, chunk.length - off);
    if (take > 0) p = Buffer.concat([p, chunk.subarray(off, off + take)]);
    off += Math.max(0, take);
    if (p.length < size) {
      this.pending = p;
      return -1;
    }
    this.frameAt(p, 0, size);
    return off;
  }

  private frameAt(buf: Buffer, off: number, size: number): void {
    const len7 = buf[off + 1]! & 0x7f;
    const head = len7 === 126 ? 4 : len7 === 127 ? 10 : 2;
    this.frame(buf[off]!, buf, off + head, off + size);
  }

  /** RFC 6455 checks that need only the header: bits, opcode, control frames, and the size the
   * frame announces (checked before any of its payload is buffered). */
  private headerOk(buf: Buffer, off: number, size: number): boolean {
    const b0 = buf[off]!;
    const b1 = buf[off + 1]!;
    const len7 = b1 & 0x7f;
    const payload = size - (len7 === 126 ? 4 : len7 === 127 ? 10 : 2);
    const why = headerViolation(b0, b1, false);
    if (why) return this.fail(1002, ClientError.BAD_FRAME, why);
    if (payload > WsConnection.maxFrameBytes) {
      return this.fail(1009, ClientError.FRAME_TOO_BIG, `a frame of ${payload} bytes (limit ${WsConnection.maxFrameBytes})`);
    }
    return true;
  }

  private frame(b0: number, buf: Buffer, start: number, end: number): void {
    const fin = (b0 & 0x80) !== 0;
    const opcode = b0 & 0x0f;
    if (opcode === 0x1 && fin && !this.fragments) return this.text(buf, start, end);
    if (opcode === 0x1 || opcode === 0x0) {
      // fragmented text: rare from chat servers, supported for correctness, bounded like a frame
      if ((opcode === 0x0) !== (this.fragments !== undefined)) {
        this.fail(1002, ClientError.BAD_FRAME, opcode === 0x0 ? 'a continuation frame with nothing to continue' : 'a new message inside a fragmented one');
        return;
      }
      const fragments = (this.fragments ??= []);
      fragments.push(Buffer.from(buf.subarray(start, end)));
      const bytes = fragments.reduce((a, f) => a + f.length, 0);
      if (bytes > WsConnection.maxFrameBytes) {
        this.fail(1009, ClientError.FRAME_TOO_BIG, `a fragmented message over ${WsConnection.maxFrameBytes} bytes`);
        return;
      }
      if (fin) {
        const whole = Buffer.concat(fragments);
        this.fragments = undefined;
        this.text(whole, 0, whole.length);
      }
      return;
    }
    if (opcode === 0x2) {
      this.fail(1003, ClientError.BINARY_FRAME, 'a binary frame (the chat protocol is text)');
      return;
    }
    if (opcode === 0x9) return this.pong(buf.subarray(start, end));
    if (opcode === 0x8) {
      const code = end - start >= 2 ? buf.readUInt16BE(start) : 1005;
      const socket = this.socket!; // finish() may start a reconnect with a new socket
      this.finish(code);
      socket.end(Buffer.from([0x88, 0x82, 0, 0, 0, 0, code >> 8, code & 0xff]));
    }
    // pong (0xA) frames are ignored
  }

  /** End the connection for a violation by the server: our close frame with `closeCode`, then the
   * socket goes once it is written; the connection ends with a ClientFailure naming `code`.
   * Returns false, for `return this.fail(…)` in checks. */
  protected fail(closeCode: number, code: ClientError | string, message: string): false {
    const socket = this.socket;
    const open = this.state === WsState.Open;
    this.fragments = undefined;
    this.finish(closeCode, new ClientFailure(code, message));
    if (socket && open) {
      socket.write(Buffer.from([0x88, 0x82, 0, 0, 0, 0, closeCode >> 8, closeCode & 0xff]));
      socket.destroySoon();
    } else socket?.destroy();
    return false;
  }

  private failHandshake(failure: ClientFailure): void {
    const socket = this.socket!; // finish() may start a reconnect with a new socket
    this.finish(1006, failure);
    socket.destroy();
  }

  private pong(payload: Buffer): void {
    const frame = Buffer.allocUnsafe(6 + payload.length);
    frame[0] = 0x8a;
    frame[1] = 0x80 | payload.length;
    frame.writeUInt32BE(0, 2);
    payload.copy(frame, 6);
    this.socket!.write(frame);
  }

  private handshakeOk(head: string): boolean {
    const status = head.slice(0, head.indexOf('\r\n') >>> 0);
    const code = /^HTTP\/1\.1 (\d{3})/.exec(status)?.[1];
    if (code !== '101') {
      this.failHandshake(new ClientFailure(code ? `CONNECT_HTTP_${code}` : ClientError.BAD_HANDSHAKE, `upgrade refused: ${status.slice(0, 200)}`));
      return false;
    }
    const accept = /\r\nsec-websocket-accept:\s*(\S+)/i.exec(head)?.[1];
    const expected = websocketAccept(this.key);
    if (accept !== expected) {
      this.failHandshake(new ClientFailure(ClientError.BAD_HANDSHAKE, 'upgrade response has a wrong Sec-WebSocket-Accept'));
      return false;
    }
    return true;
  }

  /** @internal */ finish(code: number, error?: Error): void {
    if (this.state === WsState.Closed) return;
    this.state = WsState.Closed;
    this.pending = undefined;
    this.ended(code, error);
  }
}

/** Header bytes a frame starting at p[0] needs (2 until its length byte is known). */
function headerNeed(p: Buffer): number {
  if (p.length < 2) return 2;
  const len7 = p[1]! & 0x7f;
  return len7 === 126 ? 4 : len7 === 127 ? 10 : 2;
}

/** Total size (header + payload) of the server frame at buf[off], or -1 if its header is incomplete. */
function frameSize(buf: Buffer, off: number): number {
  if (buf.length - off < 2) return -1;
  const len7 = buf[off + 1]! & 0x7f;
  if (len7 < 126) return 2 + len7;
  if (len7 === 126) return buf.length - off < 4 ? -1 : 4 + buf.readUInt16BE(off + 2);
  return buf.length - off < 10 ? -1 : 10 + buf.readUInt32BE(off + 2) * 2 ** 32 + buf.readUInt32BE(off + 6);
}

/** The connection a socket belongs to, unless it has moved on to a newer socket (a reconnect):
 * a replaced socket's late events must not touch the new connection. */
function owner(s: Socket): WsConnection | undefined {
  const o = (s as OwnedSocket)[kOwner]!;
  return o.currentSocket === s ? o : undefined;
}
function onRead(this: Socket, nread: number, buf: Buffer): boolean {
  readTurnStart();
  owner(this)?.onBytes(buf.subarray(0, nread));
  return true;
}
function onError(this: Socket, err: Error): void {
  owner(this)?.finish(1006, err);
}
function onClose(this: Socket): void {
  owner(this)?.finish(1006);
}
