// A connection's outgoing queue, bounded in bytes. Frames go straight to the socket while its buffer
// is small; beyond that they wait here, and when the total passes the limit the slow-consumer
// policy applies: disconnect, or drop the oldest queued frames.
import { frameBytes, type OutFrame } from '../../protocol/ws-frame.js';
import type { Transport } from './transport.js';

const SOCKET_HIGH_WATER = 64 * 1024;
/** Shared by every connection with nothing queued (most, most of the time): never written to,
 * since a push goes to a new array when the queue is empty. */
const NOTHING_QUEUED = Object.freeze([]) as unknown as OutFrame[];

/** One shared object per server, told which owner each event is about: no closures per connection. */
export interface OutboxEvents<O> {
  /** The queue overflowed under the disconnect policy. */
  overflow(owner: O): void;
  dropped(count: number): void;
  queuedDelta(bytes: number): void;
}

export class Outbox<O> {
  private queue: OutFrame[] = NOTHING_QUEUED; // an array of its own only once something waits
  private head = 0;
  private queuedBytes = 0;
  private waiting = false;
  private closed = false;
  private pumpBound?: () => void; // made on first congestion: most connections never need it

  constructor(
    private readonly owner: O,
    private readonly transport: Transport,
    private readonly maxBytes: number,
    private readonly dropOldest: boolean,
    private readonly events: OutboxEvents<O>,
  ) {}

  send(data: OutFrame): void {
    if (this.closed) return;
    if (this.head === this.queue.length && this.transport.bufferedBytes() < SOCKET_HIGH_WATER) {
      this.transport.send(data);
      return;
    }
    const bytes = frameBytes(data);
    if (this.queue.length === 0) this.queue = [data];
    else this.queue.push(data);
    this.queuedBytes += bytes;
    this.events.queuedDelta(bytes);
    if (this.queuedBytes > this.maxBytes) this.overflow();
    if (!this.waiting && !this.closed) {
      this.waiting = true;
      this.transport.onceDrain((this.pumpBound ??= () => this.pump()));
    }
  }

  get bytes(): number {
    return this.queuedBytes;
  }

  /** Forget everything queued (connection gone). */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.queuedBytes > 0) this.events.queuedDelta(-this.queuedBytes);
    this.queue = NOTHING_QUEUED;
    this.head = 0;
    this.queuedBytes = 0;
  }

  private overflow(): void {
    if (!this.dropOldest) {
      this.close();
      this.events.overflow(this.owner);
      return;
    }
    let dropped = 0;
    let freed = 0;
    while (this.queuedBytes > this.maxBytes && this.head < this.queue.length) {
      const len = frameBytes(this.queue[this.head]!);
      this.queue[this.head++] = '';
      this.queuedBytes -= len;
      freed += len;
      dropped++;
    }
    this.compact();
    this.events.queuedDelta(-freed);
    this.events.dropped(dropped);
  }

  private pump(): void {
    this.waiting = false;
    if (this.closed) return;
    let freed = 0;
    while (this.head < this.queue.length && this.transport.bufferedBytes() < SOCKET_HIGH_WATER) {
      const data = this.queue[this.head]!;
      this.queue[this.head++] = '';
      freed += frameBytes(data);
      this.transport.send(data);
    }
    this.queuedBytes -= freed;
    this.events.queuedDelta(-freed);
    this.compact();
    if (this.head < this.queue.length) {
      this.waiting = true;
      this.transport.onceDrain((this.pumpBound ??= () => this.pump()));
    }
  }

  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue = NOTHING_QUEUED;
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
