// A small hand-written async iterator over a socket's frames, for the coroutine variant.
// (events.on() would do, but costs ~36 KB per connection; this costs a few hundred bytes.)
import type { ServerWebSocket, WsMessage } from '../ws/server-web-socket.js';

export type Frame = WsMessage;

const PAUSE_AT = 1024; // frames buffered before the socket is paused
const kReader = Symbol('chatbench.reader');
type Tagged = ServerWebSocket & { [kReader]?: FrameReader };

export class FrameReader implements AsyncIterableIterator<Frame> {
  private buffered: Frame[] = [];
  private head = 0;
  private waiter: ((r: IteratorResult<Frame>) => void) | undefined;
  private ended = false;
  private paused = false;
  closeCode = 1005;

  constructor(private readonly ws: ServerWebSocket) {
    (ws as Tagged)[kReader] = this;
    ws.on('message', onMessage);
    ws.on('close', onClose);
  }

  push(frame: Frame): void {
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w({ value: frame, done: false });
      return;
    }
    this.buffered.push(frame);
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
    w?.({ value: undefined, done: true });
  }

  next(): Promise<IteratorResult<Frame>> {
    if (this.head < this.buffered.length) {
      const value = this.buffered[this.head++]!;
      if (this.head === this.buffered.length) {
        this.buffered = [];
        this.head = 0;
        if (this.paused) {
          this.paused = false;
          this.ws.resume();
        }
      }
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiter = resolve));
  }

  return(): Promise<IteratorResult<Frame>> {
    this.ended = true;
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

function onMessage(this: ServerWebSocket, message: WsMessage): void {
  (this as Tagged)[kReader]!.push(message);
}

function onClose(this: ServerWebSocket, code: number): void {
  (this as Tagged)[kReader]!.end(code);
}
