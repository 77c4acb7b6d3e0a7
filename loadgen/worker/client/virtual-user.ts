// One simulated chat user: connects (token on the upgrade), joins its room, sends when the
// generator says it is due, and records what it receives. It emits measurements into the
// process's Recorder and owns no statistics itself, only what it needs to tell lost, duplicated
// and reordered deliveries apart from its room's sequence numbers. Each stay in the room (from
// joined to leaving) is a window; what was expected in closed windows is kept.
import { encodeJoin, encodeSayRaw, MAX_HISTORY_LIMIT } from '../../../protocol/frames.js';
import { isAck, isMsg, NumberScanner, tsAt } from '../../../protocol/scan.js';
import { monoUs } from '../../clock.js';
import { record } from '../../../results/histogram.js';
import type { Scheduled } from '../send-schedule.js';
import { WsConnection, WsState } from './ws-connection.js';
import { ClientError } from './client-errors.js';
import { Gaps } from './gaps.js';
import type { GeneratorContext } from './context.js';

const scan = new NumberScanner(); // one per process: frames are read one at a time
const ACK_RING = 64; // in-flight messages whose send time a sender remembers (ids modulo 64)

export const Behaviour = { Chatty: 0, Lurker: 1, SlowConsumer: 2, Reconnector: 3 } as const;
export type Behaviour = (typeof Behaviour)[keyof typeof Behaviour];

export class VirtualUser extends WsConnection implements Scheduled {
  nextSendUs = 0;
  heapPos = -1;
  attempts = 0;
  connectStartUs = 0;
  joined = false;
  leaving = false; // a planned close (leave or reconnect), not a failure
  awaitingAck = false; // closed loop: a message is in flight
  nextToggleUs = 0; // slow consumers and reconnectors: when their behaviour acts next
  paused = false;
  moves = 0; // with a bus: servers moved on from (a failed attempt, a drop), so the next is tried
  private resuming = false; // dropped by the server; the stay in the room goes on after the rejoin
  private resumeFrom = 0; // seqs [resumeFrom, resumeTo] are being read back with `history`
  private resumeTo = 0;
  private windowOpen = false;
  private joinSeq = 0;
  private next = 0; // next seq expected in the room
  private maxSeq = 0;
  private maxDeliveredSeq = 0; // highest seq received as a msg frame (own acks apart)
  private readySeen = false; // `ready` came and our `join` went: a second `ready` changes nothing
  private missing: Gaps | undefined;
  private windowDelivered = 0;
  private own = 0; // own messages acked in this window (never delivered back to us)
  private unanswered = 0; // own messages of this window with neither ack nor error yet
  private closedExpected = 0;
  private closedDelivered = 0;
  private msgId = 0;
  private sendLog: Float64Array | undefined;

  constructor(
    private readonly ctx: GeneratorContext,
    readonly index: number,
    readonly room: string,
    readonly roomIndex: number,
    readonly behaviour: Behaviour,
    readonly waitForAck: boolean,
  ) {
    super();
  }

  start(): void {
    this.attempts++;
    this.leaving = false;
    this.readySeen = false;
    this.connectStartUs = monoUs();
    this.ctx.rec.connecting++;
    this.ctx.started(this);
    this.connect(this.ctx.target(this));
  }

  /** Not joined within the connect timeout: give up this attempt. */
  timeOut(limitMs: number): void {
    this.fail(1000, ClientError.CONNECT_TIMEOUT, `not joined within ${limitMs} ms`);
  }

  /** The simulated user's name (the token's sub). */
  get user(): string {
    return `u${this.index}`;
  }

  /** The server dropped us (resumeOnDrop): reconnect, and keep this stay in the room open. */
  resume(): void {
    this.resuming = true;
    this.resumeTo = 0;
    this.attempts = 0;
    this.start();
  }

  /** Leave for good (ramp-down, churn) or for a moment (reconnector): a planned close. */
  leave(): void {
    this.leaving = true;
    this.closeWindow();
    if (this.paused) this.resumeReading();
    this.close(1000);
  }

  // ---- WsConnection hooks ----

  protected opened(): void {
    // the server answers the upgrade token with `ready`; nothing to send yet
  }

  protected text(buf: Buffer, start: number, end: number): void {
    if (isMsg(buf, start, end)) return this.onMsg(buf, start, end);
    if (isAck(buf, start, end)) return this.onAck(buf, start, end);
    let frame: unknown;
    try {
      frame = JSON.parse(buf.toString('utf8', start, end));
    } catch {
      return this.ctx.rec.error(ClientError.BAD_JSON);
    }
    if (typeof frame !== 'object' || frame === null) return this.ctx.rec.error(ClientError.BAD_JSON);
    const f = frame as { type?: unknown; seq?: unknown; code?: unknown; ref?: unknown };
    switch (f.type) {
      case 'ready':
        if (this.readySeen) return;
        this.readySeen = true;
        record(this.ctx.rec.connect, monoUs() - this.connectStartUs);
        this.sendText(encodeJoin(this.room, 0));
        return;
      case 'joined':
        if (this.joined) return;
        if (typeof f.seq !== 'number' || !Number.isSafeInteger(f.seq) || f.seq < 0) {
          this.ctx.rec.error(ClientError.BAD_SEQ);
          this.fail(1000, ClientError.JOIN_REFUSED, '`joined` without a valid seq');
          return;
        }
        if (this.resuming && this.windowOpen) return this.rejoined(f.seq);
        this.joined = true;
        this.windowOpen = true;
        this.unanswered = 0;
        this.joinSeq = f.seq;
        this.next = this.joinSeq + 1;
        this.maxSeq = this.joinSeq;
        this.maxDeliveredSeq = this.joinSeq;
        this.ctx.joined(this);
        return;
      case 'history':
        return this.onHistory(frame as { room?: unknown; messages?: unknown });
      case 'error': {
        const code = typeof f.code === 'string' ? f.code.slice(0, 64) : 'UNKNOWN';
        this.ctx.rec.error(code);
        if (!this.joined) {
          this.fail(1000, ClientError.JOIN_REFUSED, `error ${code} before joined`);
          return;
        }
        if (f.ref !== undefined) {
          this.ctx.rec.refuse(code);
          if (this.unanswered > 0) this.unanswered--;
          if (this.awaitingAck) this.ctx.answered(this);
        }
        return;
      }
    }
  }

  protected ended(code: number, error?: Error): void {
    this.ctx.ended(this, code, error);
  }

  // ---- resuming after a drop ----

  /** Back in the room after a drop: what came in between is read back with `history`, in
   * ascending chunks, before `track` sees it (live messages meanwhile leave gaps it fills). */
  private rejoined(seq: number): void {
    this.joined = true;
    this.resuming = false;
    this.unanswered = 0; // what was in flight at the drop was answered (ack or error) or never will be
    // from the oldest seq still missing: an own message whose ack died with the connection, or
    // deliveries the old server had not sent yet when it went
    const from = Math.min(this.missing?.lowest ?? this.next, this.next);
    if (seq >= from) {
      this.resumeFrom = from;
      this.resumeTo = seq;
      this.askHistory();
    }
    this.ctx.joined(this);
  }

  private askHistory(): void {
    const before = Math.min(this.resumeFrom + MAX_HISTORY_LIMIT, this.resumeTo + 1);
    this.sendText(`{"type":"history","room":"${this.room}","limit":${before - this.resumeFrom},"before":${before}}`);
  }

  private onHistory(f: { room?: unknown; messages?: unknown }): void {
    if (this.resumeTo === 0 || f.room !== this.room || !Array.isArray(f.messages)) return this.ctx.rec.error(ClientError.UNEXPECTED_HISTORY);
    const now = monoUs();
    const chunkEnd = Math.min(this.resumeFrom + MAX_HISTORY_LIMIT, this.resumeTo + 1) - 1;
    for (const m of f.messages as { seq?: unknown; from?: unknown; ts?: unknown }[]) {
      const seq = m?.seq;
      if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < this.resumeFrom || seq > chunkEnd) {
        this.ctx.rec.error(ClientError.BAD_SEQ);
        continue;
      }
      const own = m.from === this.user;
      if (!this.track(seq, own, now, true)) continue;
      if (own) {
        this.own++; // ours, sent before the drop, stored, its ack lost with the connection
        continue;
      }
      this.ctx.rec.recovered++;
      const [intended, actual] = typeof m.ts === 'string' ? m.ts.split(':').map(Number) : [];
      if (intended! > 0 && actual! > 0) this.ctx.rec.delivery(now, intended!, actual!);
    }
    this.resumeFrom = chunkEnd + 1;
    if (this.resumeFrom <= this.resumeTo) this.askHistory();
    else this.resumeTo = 0;
  }

  // ---- sending ----

  /** Send the message intended for nextSendUs (the generator calls this when it is due, or at
   * most half a tick before: then it is intended for now). */
  sendDue(nowUs: number): void {
    if (this.state !== WsState.Open || !this.joined) return;
    const id = this.msgId++;
    const intended = Math.min(this.nextSendUs, nowUs);
    const log = (this.sendLog ??= new Float64Array(ACK_RING));
    log[id % ACK_RING] = intended;
    const payload = encodeSayRaw(this.room, id, `${Math.round(intended)}:${Math.round(nowUs)}`, this.ctx.bodyJson);
    this.sendText(payload, payload.length); // ASCII only: the body is ASCII
    this.ctx.rec.sent++;
    this.unanswered++;
    if (this.waitForAck) this.awaitingAck = true;
  }

  // ---- receiving ----

  private onMsg(buf: Buffer, start: number, end: number): void {
    const now = monoUs(); // one clock read per delivery
    const seq = scan.seqOf(buf, start, end);
    if (seq < 0) return this.ctx.rec.error(ClientError.BAD_SEQ);
    const ts = tsAt(buf, scan.after, end);
    if (!this.track(seq, false, now)) return;
    const intended = ts < 0 ? -1 : scan.readUint(buf, ts, end);
    const actual = ts < 0 ? -1 : scan.readUint(buf, scan.after + 1, end);
    if (intended > 0 && actual > 0) this.ctx.rec.delivery(now, intended, actual);
    else this.ctx.rec.error(ClientError.BAD_TS);
  }

  private onAck(buf: Buffer, start: number, end: number): void {
    const now = monoUs();
    const id = scan.idOf(buf, start, end);
    const seq = scan.seqOf(buf, id < 0 ? start : scan.after, end);
    if (seq < 0) return this.ctx.rec.error(ClientError.BAD_ACK); // not an answer we can account for
    this.ctx.rec.acked++;
    if (this.unanswered > 0) this.unanswered--;
    if (id >= 0 && this.sendLog) record(this.ctx.rec.ack, now - this.sendLog[id % ACK_RING]!);
    if (seq > this.joinSeq) this.own++;
    this.track(seq, true, now);
    if (this.awaitingAck) this.ctx.answered(this);
  }

  /** Follow the room's sequence: own acks fill the gaps our own messages leave in the stream.
   * Returns true for a new delivery (not a duplicate, not from before we joined). Gaps are ranges
   * (Gaps): a server's seq far ahead costs no memory, only a large count of lost messages. */
  private track(seq: number, own: boolean, nowUs: number, recovered = false): boolean {
    if (!this.windowOpen || seq <= this.joinSeq) return false; // sent before we joined, or we left
    if (seq > this.maxSeq) this.maxSeq = seq;
    const rec = this.ctx.rec;
    if (seq === this.next) {
      this.next++;
    } else if (seq > this.next) {
      if ((this.missing ??= new Gaps()).add(this.next, seq - 1)) rec.error(ClientError.GAPS_OVERFLOW);
      this.next = seq + 1;
    } else if (this.missing?.fill(seq)) {
      // out of order only against other msg frames: an ack is another stream, and a server may
      // well ack message N before it has delivered N − 1 from someone else
      // (read back after a resume: late, not out of order)
      if (!own && !recovered && seq < this.maxDeliveredSeq) rec.reordered++;
    } else {
      if (!own && !recovered) rec.duplicated++; // (read back: a seq we had, between the gaps)
      return false;
    }
    if (own) return recovered;
    if (seq > this.maxDeliveredSeq) this.maxDeliveredSeq = seq;
    this.windowDelivered++;
    rec.delivered++;
    rec.lastDeliveryUs = nowUs;
    return true;
  }

  /** End a stay in the room (we left, or the connection ended): everything up to the highest seq
   * seen was expected. Idempotent. */
  closeWindow(): void {
    if (!this.windowOpen) return;
    this.windowOpen = false;
    this.closedExpected += this.windowExpected(this.maxSeq);
    this.closedDelivered += this.windowDelivered;
    this.windowDelivered = 0;
    this.own = 0;
    this.missing = undefined;
  }

  /** Highest seq this user saw in its room (ack or msg). */
  get highestSeq(): number {
    return this.maxSeq;
  }

  /** Deliveries this user should have had, given its room's final seq. */
  expected(finalSeq: number): number {
    return this.closedExpected + (this.windowOpen ? this.windowExpected(finalSeq) : 0);
  }

  /** Deliveries expected in the open window up to `lastSeq`: what arrived, plus the gaps — except
   * that as many gaps as we have unanswered messages of our own may be those messages (their acks
   * never came: we left first), which were never ours to receive. */
  private windowExpected(lastSeq: number): number {
    const gaps = Math.max(0, lastSeq - this.joinSeq - this.own - this.windowDelivered);
    return this.windowDelivered + Math.max(0, gaps - this.unanswered);
  }

  /** Own messages of the current stay with neither ack nor error yet. */
  get inFlight(): number {
    return this.unanswered;
  }

  get delivered(): number {
    return this.closedDelivered + (this.windowOpen ? this.windowDelivered : 0);
  }
}
