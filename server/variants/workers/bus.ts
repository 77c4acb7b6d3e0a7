// Messages between worker threads over a mesh of MessagePorts, batched: every message for a thread
// during one tick of the event loop goes out in one postMessage (not one per delivery).
import type { MessagePort } from 'node:worker_threads';
import type { StoredMessage } from '../../../protocol/frames.js';
import { fnv1a } from './fnv1a.js';

export type BusMessage =
  /** a say for a room this thread does not own, sent to the owner */
  | { t: 'publish'; room: string; from: string; id: string | number; ts?: string | number; body: string; thread: number; conn: string }
  /** a message its owner numbered, for the members on the receiving thread */
  | { t: 'fanout'; room: string; seq: number; frame: string; thread: number; conn: string }
  /** a message its sender's thread numbered (SharedSeqs), for the members on the receiving thread;
   * `store`, sent to the room's owner only with a durable store: store it (the room's messages in
   * seq order) and ack the sender after the commit */
  | { t: 'numbered'; room: string; seq: number; frame: string; store?: StoredMessage; thread: number; conn: string }
  /** the owner committed a message a session on the receiving thread sent */
  | { t: 'ack'; conn: string; id: string | number; room: string; seq: number }
  | { t: 'nack'; conn: string; id: string | number; reason: string }
  /** shutdown: everything the sender posted before this has been delivered */
  | { t: 'marker' };

export class ThreadBus {
  private readonly outgoing: BusMessage[][];
  private scheduled = false;
  private readonly flushBound = () => this.flush();

  constructor(
    readonly self: number,
    private readonly ports: (MessagePort | undefined)[], // ports[i]: to thread i (undefined for self)
  ) {
    this.outgoing = ports.map(() => []);
  }

  /** Start receiving: `handle` gets every message, in order per sending thread. */
  listen(handle: (m: BusMessage) => void): void {
    for (const port of this.ports) {
      port?.on('message', (batch: BusMessage[]) => {
        for (const m of batch) handle(m);
      });
    }
  }

  send(thread: number, m: BusMessage): void {
    this.outgoing[thread]!.push(m);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(this.flushBound);
    }
  }

  /** To every other thread. */
  broadcast(m: BusMessage): void {
    for (let i = 0; i < this.ports.length; i++) if (i !== this.self) this.send(i, m);
  }

  get threads(): number {
    return this.ports.length;
  }

  private flush(): void {
    this.scheduled = false;
    for (let i = 0; i < this.ports.length; i++) {
      const batch = this.outgoing[i]!;
      if (batch.length === 0) continue;
      this.outgoing[i] = [];
      this.ports[i]!.postMessage(batch);
    }
  }
}

/** The thread that numbers, stores and fans out a room: a stable hash of its name. */
export function ownerOf(room: string, threads: number): number {
  return (fnv1a(room) >>> 0) % threads;
}
