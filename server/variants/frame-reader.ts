// A socket's frames as promises, for the coroutine variant: `await frames.read()` is the one
// place a connection's coroutine waits. (events.on() would do as an async iterator, but costs
// ~36 KB per connection; an async iterator of our own cost ≈ 100 B more than this in registers
// and result objects, measured with bench:idle-heap.)
import type { Session } from '../core/session.js';
import type { ServerWebSocket, WsMessage } from '../ws/server-web-socket.js';

export type Frame = WsMessage;
/** What read() gives once the socket has closed and every frame before that was read. */
export const END = Symbol('end of frames');

const PAUSE_AT = 1024; // frames buffered before the socket is paused
const NONE = Object.freeze([]) as unknown as Frame[]; // shared, never written: see push()

export class FrameReader {
  private buffered: Frame[] = NONE; // an array of its own only while frames wait
  private head = 0;
  private waiter: ((f: Frame | typeof END) => void) | undefined;
  private ended = false;
  private paused = false;
  closeCode = 1005;
  /** The session these frames are for (its pongs and errors are reported on it). */
  session: Session | undefined;

  /** The socket's messages go to push(), its close to end(): the coroutine's handler calls them. */
  constructor(private readonly ws: ServerWebSocket) {}

  push(frame: Frame): void {
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w(frame);
      return;
    }
    if (this.buffered.length === 0) this.buffered = [frame];
    else this.buffered.push(frame);
    if (!this.paused && this.buffered.length - this.head >= PAUSE_AT) {
      this.paused = true;
      this.ws.pause();
    }
  }

  end(code: number): void {
    this.ended = true;
    this.closeCode = code;
    const w = this.waiter;
    this.waiter = undefined;
    w?.(END);
  }

  /** The next frame, or END. */
  read(): Promise<Frame | typeof END> {
    if (this.head < this.buffered.length) {
      const value = this.buffered[this.head++]!;
      if (this.head === this.buffered.length) {
        this.buffered = NONE;
        this.head = 0;
        if (this.paused) {
          this.paused = false;
          this.ws.resume();
        }
      }
      return Promise.resolve(value);
    }
    if (this.ended) return Promise.resolve(END);
    return new Promise((resolve) => (this.waiter = resolve));
  }
}
