// Publishing across threads. A room's messages are numbered from one counter all threads share
// (SharedSeqs): the sender's thread takes the next seq, fans the message out to its own members and
// posts it once to every other thread — one post per message, where asking the room's owner thread
// for the seq cost a post there and one back. Seqs taken on two threads at once may arrive out of
// order, so every thread holds a message back until the seqs before it have been delivered there:
// each thread delivers a room's messages in seq order (MessagePorts are FIFO, and every seq taken
// is posted to every thread). The room's owner thread (a hash of its name) stores its messages, in
// that order; with a durable store it acks a sender on another thread after the commit. A room that
// finds the shared table full is numbered by its owner instead: a say is forwarded there, and the
// owner fans out and sends the ack back.
import { encodeAck, encodeError, encodeMsg, type StoredMessage } from '../../../protocol/frames.js';
import { ErrorCode } from '../../../protocol/errors.js';
import type { ChatCore, Publisher, SayFrame } from '../../core/chat-core.js';
import type { CommitSink } from '../../core/message-store.js';
import type { Room } from '../../core/rooms.js';
import type { Session } from '../../core/session.js';
import { ownerOf, type BusMessage, type ThreadBus } from './bus.js';
import type { SharedCounts } from './shared-counts.js';
import type { SharedSeqs } from './shared-seqs.js';

/** A message delivered on this thread once the seqs before it have been. */
interface Arrival {
  frame: string;
  sender: Session | undefined; // on this thread
  store: { m: StoredMessage; sink: CommitSink } | undefined; // on the owner thread
}

export class RoutedPublisher implements Publisher {
  private core: ChatCore | undefined;
  private markers = 0;
  private onMarkers: (() => void) | undefined;
  private readonly slots = new Map<string, number>(); // room → SharedSeqs slot, -1: owner-numbered
  private readonly held = new Map<Room, Map<number, Arrival>>(); // arrived ahead of a seq not yet here

  constructor(
    private readonly bus: ThreadBus,
    private readonly memberCounts: SharedCounts,
    private readonly seqs: SharedSeqs,
  ) {}

  /** Start handling messages from other threads (before the first connection). */
  attach(core: ChatCore): void {
    this.core = core;
    this.bus.listen((m) => this.receive(m));
  }

  initialSeq(room: string): number | undefined {
    const slot = this.slotOf(room);
    return slot < 0 ? undefined : this.seqs.base(slot);
  }

  publish(core: ChatCore, room: Room, sender: Session, f: SayFrame): void {
    const slot = this.slotOf(room.name);
    if (slot < 0) return this.forward(core, room, sender, f);
    const m: StoredMessage = { room: room.name, from: sender.user, id: f.id, seq: this.seqs.next(slot), body: f.body };
    if (f.ts !== undefined) m.ts = f.ts;
    const frame = encodeMsg(m);
    const self = this.bus.self;
    const owner = ownerOf(room.name, this.bus.threads);
    // only a durable store needs the message elsewhere; the owner then acks after its commit
    const storeThere = owner !== self && core.store.durable;
    for (let i = 0; i < this.bus.threads; i++) {
      if (i === self) continue;
      const post: BusMessage = { t: 'numbered', room: room.name, seq: m.seq, frame, thread: self, conn: sender.id };
      if (i === owner && storeThere) post.store = m;
      this.bus.send(i, post);
    }
    this.arrive(core, room, m.seq, { frame, sender, store: owner === self ? { m, sink: sender } : undefined });
    if (owner !== self && !storeThere) sender.committed(m); // nothing kept: the ack follows at once
  }

  /** Shutdown: post a marker to every other thread and resolve once theirs have all arrived. Ports
   * are FIFO, so by then every message and every ack the others posted to us has been handled. */
  settle(): Promise<void> {
    this.bus.broadcast({ t: 'marker' });
    return new Promise((resolve) => {
      this.onMarkers = resolve;
      this.checkMarkers();
    });
  }

  membership(room: string, delta: 1 | -1): void {
    this.memberCounts.add(room, delta);
  }

  members(room: string): number | undefined {
    return this.memberCounts.get(room);
  }

  private slotOf(room: string): number {
    let slot = this.slots.get(room);
    if (slot === undefined) {
      slot = this.seqs.slot(room, () => this.core!.store.lastSeq(room));
      this.slots.set(room, slot);
    }
    return slot;
  }

  /** Deliver in seq order: this one now if it is the next, and then those it was holding up. */
  private arrive(core: ChatCore, room: Room, seq: number, a: Arrival): void {
    if (seq !== room.seq + 1) {
      // ahead of a seq still on its way (never behind: each seq comes once)
      if (seq > room.seq) this.heldFor(room).set(seq, a);
      return;
    }
    this.deliver(core, room, seq, a);
    const held = this.held.get(room);
    if (!held) return;
    for (let next = held.get(room.seq + 1); next; next = held.get(room.seq + 1)) {
      held.delete(room.seq + 1);
      this.deliver(core, room, room.seq + 1, next);
    }
    if (held.size === 0) this.held.delete(room);
  }

  private deliver(core: ChatCore, room: Room, seq: number, a: Arrival): void {
    room.seq = seq;
    core.fanOut(room, a.frame, a.sender);
    if (a.store) core.store.append(a.store.m, a.store.sink);
  }

  private heldFor(room: Room): Map<number, Arrival> {
    let held = this.held.get(room);
    if (!held) this.held.set(room, (held = new Map()));
    return held;
  }

  private checkMarkers(): void {
    if (this.onMarkers && this.markers >= this.bus.threads - 1) {
      const done = this.onMarkers;
      this.onMarkers = undefined;
      done();
    }
  }

  // ---- rooms numbered by their owner thread (the shared table is full) ----

  private forward(core: ChatCore, room: Room, sender: Session, f: SayFrame): void {
    const owner = ownerOf(room.name, this.bus.threads);
    if (owner === this.bus.self) {
      const m: StoredMessage = { room: room.name, from: sender.user, id: f.id, seq: ++room.seq, body: f.body };
      if (f.ts !== undefined) m.ts = f.ts;
      this.number(core, m, this.bus.self, sender.id, sender);
      return;
    }
    const fwd: BusMessage = { t: 'publish', room: room.name, from: sender.user, id: f.id, body: f.body, thread: this.bus.self, conn: sender.id };
    if (f.ts !== undefined) fwd.ts = f.ts;
    this.bus.send(owner, fwd);
  }

  /** On the owner: fan out here and on every other thread, then store. */
  private number(core: ChatCore, m: StoredMessage, thread: number, conn: string, sink: CommitSink): void {
    const frame = encodeMsg(m);
    core.fanOut(core.rooms.get(m.room), frame, thread === this.bus.self ? core.sessions.get(conn) : undefined);
    this.bus.broadcast({ t: 'fanout', room: m.room, seq: m.seq, frame, thread, conn });
    core.store.append(m, sink);
  }

  private receive(m: BusMessage): void {
    const core = this.core!;
    switch (m.t) {
      case 'numbered': {
        const store = m.store ? { m: m.store, sink: new RemoteAck(this.bus, m.thread, m.conn) } : undefined;
        this.arrive(core, core.rooms.get(m.room), m.seq, { frame: m.frame, sender: undefined, store });
        return;
      }
      case 'publish': {
        const room = core.rooms.get(m.room);
        const msg: StoredMessage = { room: m.room, from: m.from, id: m.id, seq: ++room.seq, body: m.body };
        if (m.ts !== undefined) msg.ts = m.ts;
        this.number(core, msg, m.thread, m.conn, new RemoteAck(this.bus, m.thread, m.conn));
        return;
      }
      case 'fanout': {
        // follow the room's seq even with no members here yet: a later join must not be told a
        // seq older than the fan-outs this thread has already passed over
        const room = core.rooms.get(m.room);
        if (m.seq > room.seq) room.seq = m.seq;
        core.fanOut(room, m.frame, m.thread === this.bus.self ? core.sessions.get(m.conn) : undefined);
        return;
      }
      case 'ack':
        core.sessions.get(m.conn)?.send(encodeAck(m.id, m.room, m.seq));
        return;
      case 'marker':
        this.markers++;
        this.checkMarkers();
        return;
      case 'nack':
        core.sessions.get(m.conn)?.send(encodeError(ErrorCode.UNAVAILABLE, m.reason, m.id));
        return;
    }
  }
}

/** The commit of a message whose sender lives on another thread. */
class RemoteAck implements CommitSink {
  constructor(
    private readonly bus: ThreadBus,
    private readonly thread: number,
    private readonly conn: string,
  ) {}

  committed(m: StoredMessage): void {
    this.bus.send(this.thread, { t: 'ack', conn: this.conn, id: m.id, room: m.room, seq: m.seq });
  }

  failed(m: StoredMessage, err: Error): void {
    this.bus.send(this.thread, { t: 'nack', conn: this.conn, id: m.id, reason: `message not stored: ${err.message}` });
  }
}
