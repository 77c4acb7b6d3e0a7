// Rooms across server processes on Redis (docs/cluster.md). Redis numbers every message: one Lua
// script does INCR + XADD + PUBLISH, so a room's seq, its history and the order every node receives
// it in are one order. A sender's ack follows the script's reply: the message is in Redis (and in
// its AOF, when Redis runs with one). Each node subscribes to the rooms it has members in and frames
// a message once for all of them; a seq that jumps is a gap (Redis restarted, a resubscription
// raced a publication), read back from the room's stream before anything later is delivered.
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { ErrorCode } from '../../protocol/errors.js';
import { encodeHistoryRaw, encodeJoinedRaw, encodeMsgFieldsAround, msgFromFields, type StoredMessage } from '../../protocol/frames.js';
import type { ChatCore, Publisher, SayFrame } from '../core/chat-core.js';
import type { Room } from '../core/rooms.js';
import type { Session } from '../core/session.js';
import { BusRoom, MAX_BACKLOG, parsePayload, type BusDelivery, type Joiner } from './bus-room.js';
import { BusStats } from './bus-stats.js';
import { ALIVE_PREFIX, JOIN_LUA, keys, PUBLISH_LUA, roomOfChannel } from './redis-keys.js';

const ALIVE_TTL_MS = 15_000;
const ALIVE_EVERY_MS = 5_000;
/** A joiner whose seq the node has not reached by pub/sub within this reads the gap from the stream. */
const CATCH_UP_MS = 250;
const RETRY_FILL_MS = 500;
const CONNECT_TIMEOUT_MS = 5_000;
/** How long a message whose publish was in flight when Redis went away is retried (idempotently). */
const RETRY_WINDOW_MS = 10_000;
const MAX_RETRIES_HELD = 10_000;
const SENT_TTL_SEC = 60;
/** ioredis's words for a command it refused to send (Redis away, no offline queue): it never ran. */
const NOT_SENT = "Stream isn't writeable";

type ChatRedis = Redis & {
  chatPublish(seqKey: string, logKey: string, sentKey: string, channel: string, origin: string, head: string, tail: string, maxlen: number, ttl: number): Promise<number>;
  chatJoin(seqKey: string, logKey: string, membersKey: string, limit: number, alivePrefix: string): Promise<[number, number, string[]]>;
};

export interface BusOptions {
  url: string;
  nodeId: string;
  maxlen: number;
}


export class RedisBus implements Publisher {
  readonly stats = new BusStats();
  private readonly rooms = new Map<string, BusRoom>();
  private core: ChatCore | undefined;
  private aliveTimer: NodeJS.Timeout | undefined;
  private inFlight = 0;
  private drained: (() => void) | undefined;
  private wasDown = false;
  /** Publishes that were in flight when Redis went away: they may have run; retried when it is back. */
  private retries: { run: () => void; until: number; fail: (err: Error) => void }[] = [];

  private constructor(
    private readonly cmd: ChatRedis,
    private readonly sub: Redis,
    readonly opts: BusOptions,
    private readonly log: Logger,
  ) {}

  /** Connect both connections (commands, subscriptions); a Redis that does not answer is an error. */
  static async connect(opts: BusOptions, log: Logger): Promise<RedisBus> {
    const common = { lazyConnect: true, connectTimeout: CONNECT_TIMEOUT_MS, retryStrategy: (n: number) => Math.min(50 * n, 200) };
    // commands fail at once while Redis is away (the sender gets UNAVAILABLE), and a command in
    // flight when the link drops is not sent again: it may have run, and a second run would be a
    // second message
    const cmd = new Redis(opts.url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 0, autoResendUnfulfilledCommands: false }) as ChatRedis;
    const sub = new Redis(opts.url, { ...common, autoResubscribe: true, maxRetriesPerRequest: null });
    cmd.defineCommand('chatPublish', { numberOfKeys: 3, lua: PUBLISH_LUA });
    cmd.defineCommand('chatJoin', { numberOfKeys: 3, lua: JOIN_LUA });
    const bus = new RedisBus(cmd, sub, opts, log);
    let lastError: Error | undefined;
    const remember = (err: Error) => (lastError = err);
    cmd.on('error', remember); // before connecting: ioredis prints unhandled error events
    sub.on('error', remember);
    try {
      await Promise.all([cmd.connect(), sub.connect()]);
    } catch (err) {
      cmd.disconnect();
      sub.disconnect();
      throw new Error(`--bus ${opts.url}: cannot reach Redis (${(lastError ?? (err as Error)).message})`);
    } finally {
      cmd.off('error', remember);
      sub.off('error', remember);
    }
    bus.watch();
    await bus.heartbeat();
    bus.aliveTimer = setInterval(() => void bus.heartbeat(), ALIVE_EVERY_MS).unref();
    return bus;
  }

  get up(): boolean {
    return this.cmd.status === 'ready' && this.sub.status === 'ready';
  }

  attach(core: ChatCore): void {
    this.core = core;
  }

  // ---- Publisher ----

  publish(_core: ChatCore, room: Room, sender: Session, f: SayFrame): void {
    const m: Omit<StoredMessage, 'seq'> = { room: room.name, from: sender.user, id: f.id, body: f.body };
    if (f.ts !== undefined) m.ts = f.ts;
    const { head, tail } = encodeMsgFieldsAround(m);
    const origin = `${this.opts.nodeId}|${sender.id}`;
    const sentKey = keys.sent(room.name, origin, JSON.stringify(f.id));
    const until = Date.now() + RETRY_WINDOW_MS;
    const fail = (err: Error) => {
      this.stats.publishFailed++;
      sender.failed({ ...m, seq: 0 }, new Error(`bus unavailable (${err.message})`));
      this.settled();
    };
    const run = () =>
      void this.cmd.chatPublish(keys.seq(room.name), keys.log(room.name), sentKey, keys.channel(room.name), origin, head, tail, this.opts.maxlen, SENT_TTL_SEC).then(
        (seq) => {
          this.stats.published++;
          sender.committed({ ...m, seq });
          this.settled();
        },
        (err: Error) => {
          // refused unsent: it never ran, say so. Lost with the link: it may have run (numbered,
          // stored, published): never answer "not stored" for it — run it again once Redis is
          // back; the script gives it the seq it already has, if any
          if (err.message.startsWith(NOT_SENT) || Date.now() > until || this.retries.length >= MAX_RETRIES_HELD) return fail(err);
          this.stats.publishRetried++;
          this.retries.push({ run, until, fail });
        },
      );
    this.inFlight++;
    run();
  }

  /** Redis is back: run again what was in flight when it went. */
  private retryInFlight(): void {
    const held = this.retries;
    this.retries = [];
    for (const r of held) {
      if (Date.now() > r.until) r.fail(new Error('Redis did not come back in time; the message may or may not be stored'));
      else r.run();
    }
  }

  membership(room: string, delta: 1 | -1): void {
    this.cmd.hincrby(keys.members(room), this.opts.nodeId, delta).catch(() => this.stats.commandsFailed++);
    if (delta < 0) this.maybeUnsubscribe(room);
  }

  join(core: ChatCore, s: Session, room: Room, historyLimit: number, fresh: boolean): void {
    const br = this.roomState(room.name);
    const j: Joiner = { s, fresh, seq: -1, members: 0, history: undefined, seqs: [], frames: [] };
    br.joiners.push(j);
    br.subscribed!.then(() => this.cmd.chatJoin(keys.seq(room.name), keys.log(room.name), keys.members(room.name), historyLimit, ALIVE_PREFIX)).then(
      ([seq, members, history]) => {
        j.seq = seq;
        j.members = members;
        if (historyLimit > 0) j.history = history;
        if (!br.synced) {
          // the first join here since subscribing: Redis says where the room stands
          room.seq = seq;
          br.synced = true;
          this.drainBacklog(br, room);
        }
        this.settleJoiners(br, room);
        if (br.joiners.length && !br.waitTimer) br.waitTimer = setTimeout(() => this.catchUp(br, room), CATCH_UP_MS);
      },
      (err: Error) => {
        br.joiners.splice(br.joiners.indexOf(j), 1);
        if (fresh && s.removeRoom(room)) this.membership(room.name, -1);
        core.reply(s, ErrorCode.UNAVAILABLE, `cannot join ${room.name}: bus unavailable (${err.message})`);
      },
    );
  }

  history(core: ChatCore, s: Session, room: string, limit: number, before?: number): void {
    this.historyFields(room, limit, before).then(
      (fields) => s.send(encodeHistoryRaw(room, fields)),
      (err: Error) => core.reply(s, ErrorCode.UNAVAILABLE, `history unavailable: ${err.message}`),
    );
  }

  /** History for the HTTP endpoint: messages with seq < before, oldest first. */
  async historyMessages(room: string, limit: number, before?: number): Promise<StoredMessage[]> {
    return (await this.historyFields(room, limit, before)).map((f) => JSON.parse(`{${f}}`) as StoredMessage);
  }

  // ---- shutdown ----

  /** Wait (at most timeoutMs) until every publish has its answer, so its ack goes out. */
  drain(timeoutMs: number): Promise<void> {
    if (this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.drained = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  async close(): Promise<void> {
    clearInterval(this.aliveTimer);
    for (const r of this.retries.splice(0)) r.fail(new Error('server shutting down; the message may or may not be stored'));
    for (const br of this.rooms.values()) clearTimeout(br.waitTimer);
    await Promise.allSettled([this.cmd.del(keys.alive(this.opts.nodeId)).then(() => this.cmd.quit()), this.sub.quit()]);
    this.cmd.disconnect();
    this.sub.disconnect();
  }

  // ---- receiving ----

  private watch(): void {
    this.sub.on('message', (channel: string, payload: string) => this.onMessage(channel, payload));
    const down = () => {
      if (this.wasDown) return;
      this.wasDown = true;
      this.stats.disconnects++;
      this.stats.downSinceMs = Date.now();
      this.log.warn({ bus: this.opts.url }, 'bus: lost Redis; reconnecting');
    };
    for (const c of [this.cmd, this.sub]) {
      c.on('error', (err: Error) => this.log.debug({ err: err.message }, 'bus: redis error'));
      c.on('close', down);
      c.on('ready', () => {
        if (!this.wasDown || !this.up) return;
        this.wasDown = false;
        this.stats.downMs += Date.now() - this.stats.downSinceMs;
        this.log.warn({ bus: this.opts.url }, 'bus: Redis is back; checking every room for a gap');
        this.retryInFlight();
        // give the resubscriptions a moment, then compare every room with Redis
        setTimeout(() => void this.resync(), 200).unref();
        void this.heartbeat();
      });
    }
  }

  private onMessage(channel: string, payload: string): void {
    const br = this.rooms.get(roomOfChannel(channel));
    if (!br) return; // unsubscribed meanwhile
    const d = parsePayload(payload);
    if (!d) {
      this.stats.badPayloads++;
      return;
    }
    if (!br.synced || br.filling) return this.hold(br, d);
    this.accept(br, this.core!.rooms.get(br.name), d);
  }

  private hold(br: BusRoom, d: BusDelivery): void {
    // past the bound, later messages are dropped here and read back from the stream as a gap
    if (br.backlog.length < MAX_BACKLOG) br.backlog.push(d);
  }

  private accept(br: BusRoom, room: Room, d: BusDelivery): void {
    if (d.seq <= room.seq) {
      this.stats.duplicates++;
      return;
    }
    if (d.seq > room.seq + 1) {
      br.backlog.push(d);
      this.fill(br, room, d.seq - 1);
      return;
    }
    this.deliver(br, room, d);
  }

  private deliver(br: BusRoom, room: Room, d: BusDelivery): void {
    const core = this.core!;
    room.seq = d.seq;
    const local = d.node === this.opts.nodeId;
    if (local) this.stats.receivedLocal++;
    else {
      this.stats.receivedRemote++;
      this.stats.deliveredRemote += room.members.size; // its sender is not here: every member gets it
    }
    const frame = msgFromFields(d.fields);
    const sender = local ? core.sessions.get(d.conn) : undefined;
    core.fanOut(room, frame, sender);
    if (br.joiners.length) {
      br.offerToJoiners(d, frame, sender);
      this.settleJoiners(br, room);
    }
  }

  /** Read seqs room.seq+1 … to from the stream and deliver them; what the stream no longer holds
   * (trimmed) is counted as lost here, never delivered out of order. */
  private fill(br: BusRoom, room: Room, to: number): void {
    const from = room.seq + 1;
    br.filling = true;
    this.stats.gapFills++;
    this.cmd.xrange(keys.log(room.name), `${from}-0`, `${to}-0`).then(
      (entries) => {
        for (const [id, f] of entries) {
          const seq = parseInt(id, 10);
          if (seq <= room.seq) continue;
          if (seq > room.seq + 1) this.stats.unrecovered += seq - room.seq - 1;
          const [node = '', conn = ''] = (fieldOf(f, 'o') ?? '').split('|');
          this.stats.recovered++;
          this.deliver(br, room, { seq, node, conn, fields: fieldOf(f, 'f') ?? '' });
        }
        if (room.seq < to) {
          this.stats.unrecovered += to - room.seq;
          room.seq = to;
        }
        br.filling = false;
        this.drainBacklog(br, room);
        this.settleJoiners(br, room);
      },
      () => {
        // Redis is away: try again; the backlog waits (bounded)
        setTimeout(() => {
          br.filling = false;
          if (room.seq < to) this.fill(br, room, to);
          else this.drainBacklog(br, room);
        }, RETRY_FILL_MS).unref();
      },
    );
  }

  private drainBacklog(br: BusRoom, room: Room): void {
    if (br.backlog.length === 0) return;
    const held = br.backlog.sort((a, b) => a.seq - b.seq);
    br.backlog = [];
    for (const d of held) {
      if (br.filling) br.backlog.push(d);
      else this.accept(br, room, d);
    }
  }

  /** Joiners whose seq this node has reached get `joined`, then what arrived meanwhile. */
  private settleJoiners(br: BusRoom, room: Room): void {
    for (let i = 0; i < br.joiners.length; ) {
      const j = br.joiners[i]!;
      if (j.seq < 0 || j.seq > room.seq) {
        i++;
        continue;
      }
      br.joiners.splice(i, 1);
      const s = j.s;
      if (!s.open || !s.inRoom(room)) continue; // closed or left while joining
      s.send(encodeJoinedRaw(room.name, j.members, j.seq, j.history));
      for (let k = 0; k < j.seqs.length; k++) if (j.seqs[k]! > j.seq) s.send(j.frames[k]!);
      if (j.fresh) room.members.add(s);
    }
    if (br.joiners.length === 0 && br.waitTimer) {
      clearTimeout(br.waitTimer);
      br.waitTimer = undefined;
    }
  }

  /** Joiners still wait for seqs pub/sub has not brought: read them from the stream. */
  private catchUp(br: BusRoom, room: Room): void {
    br.waitTimer = undefined;
    const target = Math.max(-1, ...br.joiners.map((j) => j.seq));
    if (target > room.seq && !br.filling) this.fill(br, room, target);
    if (br.joiners.length) br.waitTimer = setTimeout(() => this.catchUp(br, room), CATCH_UP_MS);
  }

  /** After Redis came back: any room whose seq moved on while we were away is filled from its
   * stream; one whose seq went back (Redis lost its data: no AOF) is said loudly and followed. */
  private async resync(): Promise<void> {
    const synced = [...this.rooms.values()].filter((br) => br.synced);
    if (synced.length === 0) return;
    // where each room stood when we asked: pub/sub may bring newer seqs before the answer does,
    // and only a seq below what we had already delivered means Redis went back
    const asked = synced.map((br) => this.core!.rooms.get(br.name).seq);
    const pipe = this.cmd.pipeline();
    for (const br of synced) pipe.get(keys.seq(br.name));
    const replies = (await pipe.exec().catch(() => null)) ?? [];
    synced.forEach((br, i) => {
      const [err, value] = replies[i] ?? [new Error('no reply'), null];
      if (err) return;
      const seq = Number(value ?? 0);
      const room = this.core!.rooms.get(br.name);
      if (seq < asked[i]!) {
        this.stats.resets++;
        this.log.error({ room: br.name, was: asked[i], now: seq }, 'bus: the room seq went back: Redis lost data (run it with appendonly yes, appendfsync always)');
        room.seq = seq;
      } else if (seq > room.seq && !br.filling) this.fill(br, room, seq);
    });
  }

  // ---- subscriptions ----

  private roomState(name: string): BusRoom {
    let br = this.rooms.get(name);
    if (!br) {
      const created = (br = new BusRoom(name));
      this.rooms.set(name, created);
      created.subscribed = this.sub.subscribe(keys.channel(name)).then(() => undefined);
      created.subscribed.catch(() => {
        if (this.rooms.get(name) === created) this.rooms.delete(name);
      });
    }
    return br;
  }

  /** The last member here left: stop receiving the room (its seq is asked again on the next join). */
  private maybeUnsubscribe(name: string): void {
    const br = this.rooms.get(name);
    const room = this.core?.rooms.find(name);
    if (!br || br.joiners.length || (room && room.members.size > 0)) return;
    clearTimeout(br.waitTimer);
    this.rooms.delete(name);
    this.sub.unsubscribe(keys.channel(name)).catch(() => this.stats.commandsFailed++);
  }

  private async heartbeat(): Promise<void> {
    // a Redis that stays away: what waits for it is answered once its window has passed
    const now = Date.now();
    const expired = this.retries.filter((r) => now > r.until);
    this.retries = this.retries.filter((r) => now <= r.until);
    for (const r of expired) r.fail(new Error('Redis did not come back in time; the message may or may not be stored'));
    await this.cmd.set(keys.alive(this.opts.nodeId), '1', 'PX', ALIVE_TTL_MS).catch(() => this.stats.commandsFailed++);
  }

  private historyFields(room: string, limit: number, before?: number): Promise<string[]> {
    if (before !== undefined && before <= 1) return Promise.resolve([]);
    const end = before === undefined ? '+' : `${before - 1}-0`;
    return this.cmd.xrevrange(keys.log(room), end, '-', 'COUNT', limit).then((entries) => entries.reverse().map(([, f]) => fieldOf(f, 'f') ?? ''));
  }

  private settled(): void {
    if (--this.inFlight === 0 && this.drained) {
      const done = this.drained;
      this.drained = undefined;
      done();
    }
  }
}

function fieldOf(fields: string[], name: string): string | undefined {
  for (let i = 0; i + 1 < fields.length; i += 2) if (fields[i] === name) return fields[i + 1];
  return undefined;
}
