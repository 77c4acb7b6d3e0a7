// The chat semantics every variant shares: auth, rooms, say → fan-out + durable ack, history,
// rate limits, size limits, slow consumers. No sockets, no timers of its own but the optional
// injected latency: variants feed it frames and it answers through each session's Transport.
import type { Logger } from 'pino';
import { SharedFrame } from '../../protocol/ws-frame.js';
import { CloseCode, ErrorCode, ProtocolError } from '../../protocol/errors.js';
import {
  encodeError,
  encodeHistory,
  encodeJoined,
  encodeLeft,
  encodeMsg,
  encodeReady,
  parseClientFrame,
  type ClientFrame,
  type MessageId,
  type StoredMessage,
} from '../../protocol/frames.js';
import { roomAllowed, type TokenClaims } from '../../protocol/token.js';
import type { CoreConfig } from './core-config.js';
import type { MessageStore } from './message-store.js';
import { LocalIpCounter, type IpCounter } from './ip-counter.js';
import { Outbox, type OutboxEvents } from './outbox.js';
import { TokenBucket } from './rate-limiter.js';
import { Room, RoomRegistry } from './rooms.js';
import { Session, SessionState } from './session.js';
import { ChatStats } from './stats.js';
import type { Transport } from './transport.js';
import type { TokenVerifier } from './token-verifier.js';
import { burnCpuUs } from './cpu-burn.js';

/** Frames a client may send after `auth` before its token is verified; more closes with 1008. */
export const MAX_EARLY_FRAMES = 32;

export type AuthOutcome = 'waiting' | 'ready' | 'closed';

/** Turns an accepted `say` into a numbered message: seq, persistence, fan-out. Single-threaded
 * servers do it in place; the workers variant routes it to the thread that owns the room. */
export interface Publisher {
  /** Called once the core exists, before the first connection. */
  attach?(core: ChatCore): void;
  publish(core: ChatCore, room: Room, sender: Session, say: SayFrame): void;
  /** The seq a room this thread has not seen yet stands at (default: the store's last). */
  initialSeq?(room: string): number | undefined;
  /** A member joined (+1) or left (-1) a room here (so other threads can count members). */
  membership?(room: string, delta: 1 | -1): void;
  /** Members of the room on every thread, when this publisher knows them. */
  members?(room: string): number | undefined;
  /** Answer a join whose messages this publisher sequences elsewhere (the Redis bus): it sends
   * `joined` and adds a `fresh` member to room.members once its seq is known. */
  join?(core: ChatCore, s: Session, room: Room, historyLimit: number, fresh: boolean): void;
  /** Answer a `history` frame from wherever this publisher keeps history. */
  history?(core: ChatCore, s: Session, room: string, limit: number, before?: number): void;
}

export type SayFrame = Extract<ClientFrame, { type: 'say' }>;

/** The room's seq is ours: number, fan out, store (the sender's ack follows the commit). */
export const localPublisher: Publisher = {
  publish(core, room, sender, f) {
    const m: StoredMessage = { room: room.name, from: sender.user, id: f.id, seq: ++room.seq, body: f.body };
    if (f.ts !== undefined) m.ts = f.ts;
    core.fanOut(room, encodeMsg(m), sender);
    core.store.append(m, sender);
  },
};

interface UserState {
  sessions: number;
  bucket: TokenBucket;
}

export class ChatCore {
  readonly stats = new ChatStats();
  /** Open sessions by connection id. */
  readonly sessions = new Map<string, Session>();
  readonly rooms: RoomRegistry;
  private readonly users = new Map<string, UserState>();
  private nextConn = 0;
  private readonly outboxEvents: OutboxEvents<Session> = {
    overflow: (s) => this.slowConsumer(s),
    dropped: (n) => (this.stats.droppedFrames += n),
    queuedDelta: (b) => (this.stats.queuedBytes += b),
  };

  constructor(
    readonly config: CoreConfig,
    readonly store: MessageStore,
    readonly log: Logger,
    readonly verifier: TokenVerifier,
    private readonly connPrefix = 'c',
    private readonly publisher: Publisher = localPublisher,
    private readonly perIp: IpCounter = new LocalIpCounter(),
  ) {
    this.rooms = new RoomRegistry((name) => publisher.initialSeq?.(name) ?? store.lastSeq(name));
  }

  /** Sizes of the per-connection bookkeeping: all zero when no one is connected. */
  entries(): { sessions: number; users: number; ips: number; memberships: number } {
    return { sessions: this.sessions.size, users: this.users.size, ips: this.perIp.size, memberships: this.rooms.memberships() };
  }

  // ---- connection lifecycle ----

  /** Count a connection from `ip` about to be upgraded, unless --max-conns-per-ip refuses it.
   * An admitted connection must then be open()ed. */
  admit(ip: string): boolean {
    return this.perIp.tryAdd(ip, this.config.maxConnsPerIp);
  }

  /** An admitted connection that never opened (the upgrade failed). */
  abandon(ip: string): void {
    this.perIp.remove(ip);
  }

  open(transport: Transport, ip: string, claims?: TokenClaims): Session {
    const s = new Session(`${this.connPrefix}${(this.nextConn++).toString(36)}`, ip, transport, this.stats);
    s.outbox = new Outbox(s, transport, this.config.maxQueueBytes, this.config.slowConsumer === 'drop-oldest', this.outboxEvents);
    this.sessions.set(s.id, s);
    this.stats.connectionsOpen++;
    this.stats.connectionsTotal++;
    this.logConn(s, 'debug', 'connection opened', { ip });
    if (claims) this.becomeReady(s, claims);
    return s;
  }

  /** The socket is gone (closed by either side): drop the session everywhere. Idempotent. */
  closed(s: Session, code: number): void {
    if (!s.markClosed()) return;
    this.sessions.delete(s.id);
    for (const room of s.rooms) {
      room.members.delete(s);
      this.publisher.membership?.(room.name, -1);
    }
    s.clearRooms();
    this.perIp.remove(s.ip);
    if (s.user) this.releaseUser(s.user);
    this.stats.connectionsOpen--;
    this.stats.closed(code);
    this.logConn(s, 'debug', 'connection closed', { code });
  }

  /** Close the socket from the server side with a documented code. */
  disconnect(s: Session, code: number, reason: string): void {
    if (!s.open) return;
    this.logConn(s, 'info', 'closing connection', { code, reason });
    s.transport.close(code, reason);
    this.closed(s, code);
  }

  authTimedOut(s: Session): void {
    this.disconnect(s, CloseCode.AUTH_TIMEOUT, 'authentication timeout');
  }

  // ---- frames ----

  /** A frame while awaiting authentication: only `auth` is accepted. Its token is verified
   * asynchronously; frames that a variant hands to handle() meanwhile wait (at most
   * MAX_EARLY_FRAMES) and are handled in order once the session is ready. */
  async authenticate(s: Session, text: string): Promise<AuthOutcome> {
    this.stats.framesIn++;
    const frame = this.parse(s, text);
    if (!frame) return 'waiting';
    if (frame.type !== 'auth') {
      this.reply(s, ErrorCode.NOT_AUTHENTICATED, 'authenticate first with an `auth` frame', refOf(frame));
      return 'waiting';
    }
    s.state = SessionState.Authenticating;
    const result = await this.verifier.verify(frame.token);
    if (s.state !== SessionState.Authenticating) return 'closed'; // the socket went meanwhile
    if (!result.ok) {
      s.early = undefined;
      this.reply(s, ErrorCode.UNAUTHORIZED, result.reason);
      this.disconnect(s, CloseCode.AUTH_FAILED, 'authentication failed');
      return 'closed';
    }
    this.becomeReady(s, result.claims);
    const early = s.early;
    s.early = undefined;
    for (const f of early ?? []) if (s.ready) this.handle(s, f);
    return s.ready ? 'ready' : 'closed';
  }

  /** A frame from an authenticated session (or one whose token is being verified: it waits). */
  handle(s: Session, text: string): void {
    if (s.state === SessionState.Authenticating) {
      if ((s.early ??= []).push(text) > MAX_EARLY_FRAMES) this.disconnect(s, CloseCode.POLICY_VIOLATION, 'too many frames before authentication');
      return;
    }
    this.stats.framesIn++;
    const frame = this.parse(s, text);
    if (!frame) return;
    switch (frame.type) {
      case 'auth':
        return this.reply(s, ErrorCode.ALREADY_AUTHENTICATED, 'already authenticated');
      case 'join':
        return this.join(s, frame.room, frame.history ?? this.config.historyOnJoin);
      case 'leave':
        return this.leave(s, frame.room);
      case 'say':
        return this.say(s, frame);
      case 'history':
        return this.history(s, frame.room, frame.limit, frame.before);
    }
  }

  /** Binary frames are not part of the protocol. */
  binary(s: Session): void {
    this.stats.framesIn++;
    this.reply(s, ErrorCode.BAD_FRAME, 'binary frames are not supported; send JSON text frames');
  }

  // ---- operations ----

  private join(s: Session, name: string, historyLimit: number): void {
    if (!roomAllowed(s.claims!, name)) return this.reply(s, ErrorCode.FORBIDDEN, `not allowed in room ${name}`);
    const room = this.rooms.get(name);
    const fresh = !s.inRoom(room);
    if (fresh) {
      if (s.rooms.length >= this.config.maxRoomsPerConn) {
        return this.reply(s, ErrorCode.TOO_MANY_ROOMS, `at most ${this.config.maxRoomsPerConn} rooms per connection`);
      }
      s.addRoom(room);
      this.publisher.membership?.(name, 1);
    }
    if (this.publisher.join) return this.publisher.join(this, s, room, historyLimit, fresh);
    room.members.add(s);
    const history = historyLimit > 0 ? this.store.history(name, historyLimit) : undefined;
    const members = this.publisher.members?.(name) ?? room.members.size;
    s.send(encodeJoined(name, members, room.seq, history));
  }

  private leave(s: Session, name: string): void {
    const room = this.rooms.find(name);
    if (!room || !s.removeRoom(room)) return this.reply(s, ErrorCode.NOT_IN_ROOM, `not in room ${name}`);
    room.members.delete(s);
    this.publisher.membership?.(name, -1);
    s.send(encodeLeft(name));
  }

  private say(s: Session, f: SayFrame): void {
    const room = this.rooms.find(f.room);
    if (!room || !s.inRoom(room)) return this.reply(s, ErrorCode.NOT_IN_ROOM, `join ${f.room} before sending to it`, f.id);
    const max = this.config.maxBodyBytes;
    if (f.body.length > max || (f.body.length * 3 > max && Buffer.byteLength(f.body) > max)) {
      return this.reply(s, ErrorCode.TOO_LARGE, `body longer than ${max} bytes`, f.id);
    }
    if (!this.users.get(s.user)!.bucket.take(performance.now())) {
      this.reply(s, ErrorCode.RATE_LIMITED, `more than ${this.config.rate} messages/s`, f.id);
      if (++s.strikes >= this.config.abuseStrikes) this.disconnect(s, CloseCode.POLICY_VIOLATION, 'rate limit abuse');
      return;
    }
    s.strikes = 0;
    this.stats.messagesAccepted++;
    this.publisher.publish(this, room, s, f);
  }

  /** Deliver an encoded `msg` to the room's members here, except its sender (after the injected
   * latency, when fault injection is on). */
  fanOut(room: Room, frame: string, sender: Session | undefined): void {
    if (this.config.injectLatencyMs > 0) setTimeout(fanOut, this.config.injectLatencyMs, this.stats, room, frame, sender, this.config.injectCpuUs);
    else fanOut(this.stats, room, frame, sender, this.config.injectCpuUs);
  }

  private history(s: Session, name: string, limit: number, before?: number): void {
    if (!roomAllowed(s.claims!, name)) return this.reply(s, ErrorCode.FORBIDDEN, `not allowed in room ${name}`);
    if (this.publisher.history) return this.publisher.history(this, s, name, limit, before);
    s.send(encodeHistory(name, this.store.history(name, limit, before)));
  }

  // ---- helpers ----

  private becomeReady(s: Session, claims: TokenClaims): void {
    s.state = SessionState.Ready;
    s.user = claims.sub;
    s.claims = claims;
    const user = this.users.get(claims.sub);
    if (user) user.sessions++;
    else this.users.set(claims.sub, { sessions: 1, bucket: new TokenBucket(this.config.rate, this.config.burst, performance.now()) });
    s.send(encodeReady(s.user, s.id));
    this.logConn(s, 'debug', 'authenticated');
  }

  private releaseUser(name: string): void {
    const user = this.users.get(name);
    if (user && --user.sessions <= 0) this.users.delete(name);
  }

  private slowConsumer(s: Session): void {
    this.stats.slowConsumerDisconnects++;
    this.disconnect(s, CloseCode.SLOW_CONSUMER, 'slow consumer: outgoing queue full');
  }

  private parse(s: Session, text: string): ClientFrame | undefined {
    try {
      return parseClientFrame(text);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      this.reply(s, err.code, err.message, err.ref);
      return undefined;
    }
  }

  reply(s: Session, code: ErrorCode, message: string, ref?: MessageId): void {
    this.stats.error(code);
    this.logConn(s, 'debug', 'error sent', { code, ref });
    s.send(encodeError(code, message, ref));
  }

  logConn(s: Session, level: 'debug' | 'info' | 'warn', msg: string, extra?: object): void {
    if (!this.log.isLevelEnabled(level)) return;
    this.log[level]({ conn: s.id, user: s.user || undefined, ...extra }, msg);
  }
}

/** Deliver one encoded `msg` frame to every member of the room but its sender. */
function fanOut(stats: ChatStats, room: Room, frame: string, sender: Session | undefined, cpuUsPerDelivery: number): void {
  // framed once, the same bytes to every member (the outbox still bounds each member's queue)
  const shared = new SharedFrame(frame);
  let n = 0;
  for (const member of room.members) {
    if (member === sender) continue;
    member.send(shared);
    n++;
  }
  stats.deliveries += n;
  if (cpuUsPerDelivery > 0) burnCpuUs(n * cpuUsPerDelivery);
}

function refOf(frame: ClientFrame): MessageId | undefined {
  return frame.type === 'say' ? frame.id : undefined;
}
