// Publishing across threads. Each room has one owner thread (a hash of its name) that numbers its
// messages, stores them and fans them out: so seq stays strictly increasing and every thread sees a
// room's messages in seq order (MessagePorts are FIFO). A say for a room owned elsewhere is
// forwarded; the owner's commit comes back as an ack for the sender's session.
import { encodeAck, encodeError, encodeMsg, type StoredMessage } from '../../../protocol/frames.js';
import { ErrorCode } from '../../../protocol/errors.js';
import type { ChatCore, Publisher } from '../../core/chat-core.js';
import type { CommitSink } from '../../core/message-store.js';
import { ownerOf, type BusMessage, type ThreadBus } from './bus.js';
import type { SharedCounts } from './shared-counts.js';

export class RoutedPublisher implements Publisher {
  private core: ChatCore | undefined;
  private markers = 0;
  private onMarkers: (() => void) | undefined;

  constructor(
    private readonly bus: ThreadBus,
    private readonly memberCounts: SharedCounts,
  ) {}

  /** Start handling messages from other threads (after the core exists). */
  attach(core: ChatCore): void {
    this.core = core;
    this.bus.listen((m) => this.receive(m));
  }

  publish(core: ChatCore, room: Parameters<Publisher['publish']>[1], sender: Parameters<Publisher['publish']>[2], f: Parameters<Publisher['publish']>[3]): void {
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

  /** Shutdown: post a marker to every other thread and resolve once theirs have all arrived. Ports
   * are FIFO, so by then every ack another thread committed for our sessions has been handled. */
  settle(): Promise<void> {
    this.bus.broadcast({ t: 'marker' });
    return new Promise((resolve) => {
      this.onMarkers = resolve;
      this.checkMarkers();
    });
  }

  private checkMarkers(): void {
    if (this.onMarkers && this.markers >= this.bus.threads - 1) {
      const done = this.onMarkers;
      this.onMarkers = undefined;
      done();
    }
  }

  membership(room: string, delta: 1 | -1): void {
    this.memberCounts.add(room, delta);
  }

  members(room: string): number | undefined {
    return this.memberCounts.get(room);
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
