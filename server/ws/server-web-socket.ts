// The server end of one WebSocket (RFC 6455), over the net.Socket of a completed upgrade: client
// frames parsed and checked, text messages and pongs emitted, the closing handshake, and the
// chat core's Transport (a shared frame's ready bytes go to the socket as they are). It replaces
// `ws` on the server: ws's per-connection Receiver (a Writable stream) and Sender cost ≈ 1.7 KB
// and a stream pass per read; this is one object, and socket listeners are module functions that
// reach it through the socket (no closures per connection).
//
// What happens on it goes to its `handler`, one object shared by all the connections of a variant:
// not an EventEmitter, whose listener table is a dictionary of ≈ 250 B per connection (measured
// with bench:idle-heap).
import { isUtf8 } from 'node:buffer';
import type { Socket } from 'node:net';
import type { Transport } from '../core/transport.js';
import { frameClose, frameControl, frameText, type OutFrame } from '../../protocol/ws-frame.js';
import { WsProtocolError, frameHeader, isValidCloseCode, unmask } from './client-frames.js';

export const BINARY = Symbol('binary message');
export type WsMessage = string | typeof BINARY;

/** The callbacks of a connection's events; `this` is not used, the socket comes first. */
export interface WsHandler {
  message(ws: ServerWebSocket, message: WsMessage): void;
  /** The code the peer's close frame carried (1005: none in it; 1006: no close frame came). */
  close(ws: ServerWebSocket, code: number): void;
  pong(ws: ServerWebSocket): void;
  /** A protocol violation, before the close frame with its code goes out. */
  error(ws: ServerWebSocket, err: WsProtocolError): void;
}

const IGNORE: WsHandler = { message() {}, close() {}, pong() {}, error() {} };

export const WsReadyState = { Open: 1, Closing: 2, Closed: 3 } as const;
export type WsReadyState = (typeof WsReadyState)[keyof typeof WsReadyState];

/** How long a close frame waits for the peer's before the socket is dropped (as in `ws`). */
const CLOSE_TIMEOUT_MS = 30_000;
const PING = frameControl(0x9);
// At most one message event per socket per turn of the event loop, as `ws` with
// allowSynchronousEvents: false (docs/reliability.md measured what it does for the others' p99),
// and at most this many frames of any kind (fragments, pings) per turn.
const FRAMES_PER_TURN = 64;
const kOwner = Symbol('chatbench.ws');
type Owned = Socket & { [kOwner]?: ServerWebSocket };

export class ServerWebSocket implements Transport {
  /** Set by the variant's connection handler before any byte is read (begin()). */
  handler: WsHandler = IGNORE;
  /** What the application ties to this socket (the chat session, or the coroutine's reader). */
  owner: unknown;
  readyState: WsReadyState = WsReadyState.Open;
  /** The code of the peer's close frame (1005 when it had none, 1006 when none came). */
  closeCode = 1006;
  private reading = true; // false once a close frame came in or a protocol error ended reading
  private closeSent = false;
  private closeTimer: NodeJS.Timeout | undefined;
  private pending: Buffer[] | undefined; // the chunks of a frame not yet complete
  private pendingBytes = 0;
  private pendingNeed = 0;
  private fragments: Buffer[] | undefined; // a fragmented message so far
  private fragmentBytes = 0;
  private fragmentBinary = false;
  private deferred: Buffer | undefined; // frames left for the next turn of the event loop
  private consumerPaused = false;

  constructor(
    readonly socket: Socket,
    private readonly maxPayload: number,
  ) {
    (socket as Owned)[kOwner] = this;
    socket.setTimeout(0);
    socket.setNoDelay(true);
    socket.on('data', onData);
    socket.on('end', onEnd);
    socket.on('close', onClose);
    socket.on('error', onError);
  }

  /** Read the bytes that came with the upgrade request, once the handler's listeners are on, then
   * the socket (which the front door hands over paused). */
  begin(head: Buffer): void {
    if (head.length) this.onData(head);
    if (this.deferred === undefined && !this.consumerPaused && !this.socket.destroyed) this.socket.resume();
  }

  // ---- Transport ----

  send(data: OutFrame): void {
    if (this.readyState !== WsReadyState.Open) return; // after close(): nothing more (as in ws)
    this.socket.write(typeof data === 'string' ? frameText(data) : data.wire);
  }

  bufferedBytes(): number {
    return this.socket.writableLength;
  }

  onceDrain(listener: () => void): void {
    this.socket.once('drain', listener);
  }

  /** Send a close frame; the socket ends when the peer's comes back (or after CLOSE_TIMEOUT_MS). */
  close(code: number, reason = ''): void {
    if (this.readyState === WsReadyState.Closed || this.closeSent) return;
    this.readyState = WsReadyState.Closing;
    this.closeSent = true;
    if (this.socket.writableEnded) return; // the peer's end was answered with ours already
    this.socket.write(frameClose(code, reason));
    if (!this.reading) this.socket.end();
    this.closeTimer = setTimeout(destroyLate, CLOSE_TIMEOUT_MS, this.socket);
    this.closeTimer.unref();
  }

  terminate(): void {
    if (this.readyState === WsReadyState.Closed) return;
    this.readyState = WsReadyState.Closing;
    this.socket.destroy();
  }

  ping(): void {
    if (this.readyState === WsReadyState.Open) this.socket.write(PING);
  }

  // ---- reading ----

  /** Stop reading (a consumer's backpressure); independent of the per-turn deferral below. */
  pause(): void {
    this.consumerPaused = true;
    this.socket.pause();
  }

  resume(): void {
    this.consumerPaused = false;
    if (this.deferred === undefined) this.socket.resume();
  }

  /** @internal */ onData(chunk: Buffer): void {
    if (this.pending) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
      if (this.pendingBytes < this.pendingNeed) return; // a frame arriving in pieces waits whole
      chunk = Buffer.concat(this.pending, this.pendingBytes);
      this.pending = undefined;
    }
    this.parse(chunk);
  }

  /** Handle the frames in chunk, at most one message and FRAMES_PER_TURN frames in this turn of
   * the event loop: the rest waits for the next turn with the socket paused, so that a client
   * pipelining thousands of frames in one read (or a fragment flood) cannot hold the loop. */
  private parse(chunk: Buffer): void {
    let off = 0;
    for (let frames = 0; this.reading && !this.socket.destroyed && off < chunk.length; frames++) {
      if (frames === FRAMES_PER_TURN) return this.defer(chunk.subarray(off));
      const h = frameHeader(chunk, off, this.fragments !== undefined);
      if (h instanceof WsProtocolError) return this.fail(h);
      if (typeof h === 'number') return this.keep(chunk, off, h);
      if (h.opcode < 0x8 && this.fragmentBytes + h.payloadBytes > this.maxPayload) {
        return this.fail(new WsProtocolError(1009, 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH', `a message over ${this.maxPayload} bytes`));
      }
      const size = h.headerBytes + h.payloadBytes;
      if (chunk.length - off < size) return this.keep(chunk, off, size);
      const start = off + h.headerBytes;
      off += size;
      const payload = chunk.subarray(start, off);
      unmask(payload, chunk, start - 4);
      if (this.frame(h.fin, h.opcode, payload) && off < chunk.length) return this.defer(chunk.subarray(off));
    }
  }

  /** Keep the bytes of a frame that is not complete until `need` of them are here. */
  private keep(chunk: Buffer, off: number, need: number): void {
    this.pending = [chunk.subarray(off)];
    this.pendingBytes = chunk.length - off;
    this.pendingNeed = need;
  }

  private defer(rest: Buffer): void {
    this.deferred = rest;
    this.socket.pause();
    setImmediate(continueReading, this);
  }

  /** @internal */ continueReading(): void {
    const rest = this.deferred;
    if (rest === undefined) return;
    this.deferred = undefined;
    this.parse(rest);
    if (this.deferred === undefined && !this.consumerPaused && !this.socket.destroyed) this.socket.resume();
  }

  /** Handle one frame; true when it completed a message. */
  private frame(fin: boolean, opcode: number, payload: Buffer): boolean {
    if (opcode === 0x1 || opcode === 0x2) {
      if (fin) {
        this.message(opcode === 0x2, payload);
        return true;
      }
      this.fragments = [payload];
      this.fragmentBytes = payload.length;
      this.fragmentBinary = opcode === 0x2;
    } else if (opcode === 0x0) {
      this.fragments!.push(payload);
      this.fragmentBytes += payload.length;
      if (fin) {
        const whole = Buffer.concat(this.fragments!, this.fragmentBytes);
        this.fragments = undefined;
        this.fragmentBytes = 0;
        this.message(this.fragmentBinary, whole);
        return true;
      }
    } else if (opcode === 0x8) this.peerClose(payload);
    else if (opcode === 0x9) {
      if (this.readyState === WsReadyState.Open) this.socket.write(frameControl(0xa, payload));
    } else this.handler.pong(this);
    return false;
  }

  private message(binary: boolean, payload: Buffer): void {
    if (binary) return this.handler.message(this, BINARY);
    if (!isUtf8(payload)) return this.fail(new WsProtocolError(1007, 'WS_ERR_INVALID_UTF8', 'invalid UTF-8 in a text message'));
    this.handler.message(this, payload.toString());
  }

  private peerClose(payload: Buffer): void {
    if (payload.length === 1) return this.fail(new WsProtocolError(1002, 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH', 'a close frame of 1 byte'));
    const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
    if (payload.length >= 2 && !isValidCloseCode(code)) return this.fail(new WsProtocolError(1002, 'WS_ERR_INVALID_CLOSE_CODE', `invalid close code ${code}`));
    if (!isUtf8(payload.subarray(2))) return this.fail(new WsProtocolError(1007, 'WS_ERR_INVALID_UTF8', 'invalid UTF-8 in a close reason'));
    this.reading = false;
    this.closeCode = code;
    if (this.closeSent) this.socket.end();
    else this.close(code); // echo the peer's code; close() ends the socket, as nothing more is read
  }

  /** A protocol violation: 'error', a close frame with its code, and nothing more is read. */
  private fail(err: WsProtocolError): void {
    this.reading = false;
    this.pending = undefined;
    this.fragments = undefined;
    this.handler.error(this, err);
    this.close(err.closeCode, err.message);
  }

  /** @internal */ onEnd(): void {
    this.reading = false;
    if (this.readyState === WsReadyState.Open) this.readyState = WsReadyState.Closing;
    // ended already after a close frame: a second end() would build an error (a stack trace,
    // ≈ 50 µs, measured in a profile) only to ignore it
    if (!this.socket.writableEnded) this.socket.end();
  }

  /** @internal */ onClose(): void {
    this.readyState = WsReadyState.Closed;
    this.reading = false;
    this.pending = undefined;
    this.fragments = undefined;
    this.deferred = undefined;
    clearTimeout(this.closeTimer);
    this.handler.close(this, this.closeCode);
  }
}

function owner(s: Socket): ServerWebSocket {
  return (s as Owned)[kOwner]!;
}
function onData(this: Socket, chunk: Buffer): void {
  owner(this).onData(chunk);
}
function onEnd(this: Socket): void {
  owner(this).onEnd();
}
function onClose(this: Socket): void {
  owner(this).onClose();
}
function onError(this: Socket): void {
  this.destroy(); // a reset or a write to a gone peer: 'close' follows with 1006
}
function continueReading(ws: ServerWebSocket): void {
  ws.continueReading();
}
function destroyLate(socket: Socket): void {
  socket.destroy();
}
