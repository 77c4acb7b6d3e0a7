// One simulated chat user: connects (token on the upgrade), joins its room, sends on a fixed
// schedule if it is a sender, and records what it receives. It emits measurements into the
// process's Recorder and owns no statistics itself, only what it needs to tell lost, duplicated
// and reordered deliveries apart from its sequence numbers.
import { encodeJoin, encodeSayRaw } from '../../protocol/frames.js';
import { idOf, isAck, isMsg, lastEnd, readUint, seqOf, tsAt } from '../../protocol/scan.js';
import { monoUs } from '../clock.js';
import { record } from '../histogram.js';
import type { Scheduled } from '../send-schedule.js';
import { WsConnection, WsState } from './ws-connection.js';
import type { GeneratorContext } from './context.js';

const ACK_RING = 64; // in-flight messages whose send time a sender remembers (ids modulo 64)

export class VirtualUser extends WsConnection implements Scheduled {
  nextSendUs = 0;
  heapPos = -1;
  attempts = 0;
  connectStartUs = 0;
  joined = false;
  private joinSeq = 0;
  private next = 0; // next seq expected in the room
  private maxSeq = 0;
  private missing: Set<number> | undefined;
  private uniqueDelivered = 0;
  private own = 0; // own messages acked after joining (not delivered back to us)
  private msgId = 0;
  private sendLog: Float64Array | undefined;

  constructor(
    private readonly ctx: GeneratorContext,
    readonly index: number,
    readonly room: string,
    readonly sender: boolean,
  ) {
    super();
  }

  start(): void {
    this.attempts++;
    this.connectStartUs = monoUs();
    this.ctx.rec.connecting++;
    this.connect(this.ctx.target(this));
  }

  // ---- WsConnection hooks ----

  protected opened(): void {
    // the server answers the upgrade token with `ready`; nothing to send yet
  }

  protected text(buf: Buffer, start: number, end: number): void {
    if (isMsg(buf, start, end)) return this.onMsg(buf, start, end);
    if (isAck(buf, start, end)) return this.onAck(buf, start, end);
    let frame: { type?: string; seq?: number; code?: string };
    try {
      frame = JSON.parse(buf.toString('utf8', start, end)) as typeof frame;
    } catch {
      return this.ctx.rec.error('CLIENT_BAD_JSON');
    }
    switch (frame.type) {
      case 'ready':
        record(this.ctx.rec.connect, monoUs() - this.connectStartUs);
        this.sendText(encodeJoin(this.room, 0));
        return;
      case 'joined':
        this.joined = true;
        this.joinSeq = frame.seq ?? 0;
        this.next = this.joinSeq + 1;
        this.maxSeq = this.joinSeq;
        this.ctx.rec.connecting--;
        this.ctx.rec.connectOk++;
        this.ctx.rec.joined();
        if (this.sender) this.ctx.startSending(this);
        return;
      case 'error':
        return this.ctx.rec.error(frame.code ?? 'UNKNOWN');
    }
  }

  protected ended(code: number, error?: Error): void {
    this.ctx.ended(this, code, error);
  }

  // ---- sending ----

  /** Send the message intended for nextSendUs (called by the schedule when it is due). */
  sendDue(nowUs: number): void {
    if (this.state !== WsState.Open) return;
    const id = this.msgId++;
    const log = (this.sendLog ??= new Float64Array(ACK_RING));
    log[id % ACK_RING] = this.nextSendUs;
    const payload = encodeSayRaw(this.room, id, `${Math.round(this.nextSendUs)}:${Math.round(nowUs)}`, this.ctx.bodyJson);
    this.sendText(payload, payload.length); // ASCII only: the body is ASCII
    this.ctx.rec.sent++;
  }

  // ---- receiving ----

  private onMsg(buf: Buffer, start: number, end: number): void {
    const seq = seqOf(buf, start, end);
    const ts = tsAt(buf, lastEnd, end);
    if (ts >= 0) {
      const intended = readUint(buf, ts, end);
      const actual = readUint(buf, lastEnd + 1, end);
      if (intended > 0 && actual > 0) this.ctx.rec.delivery(monoUs(), intended, actual);
    }
    if (seq >= 0) this.track(seq, false);
  }

  private onAck(buf: Buffer, start: number, end: number): void {
    const id = idOf(buf, start, end);
    const seq = seqOf(buf, lastEnd, end);
    this.ctx.rec.acked++;
    if (id >= 0 && this.sendLog) record(this.ctx.rec.ack, monoUs() - this.sendLog[id % ACK_RING]!);
    if (seq > this.joinSeq) this.own++;
    if (seq >= 0) this.track(seq, true);
  }

  /** Follow the room's sequence: own acks fill the gaps our own messages leave in the stream. */
  private track(seq: number, own: boolean): void {
    if (seq <= this.joinSeq) return; // sent before we joined
    if (seq > this.maxSeq) this.maxSeq = seq;
    const rec = this.ctx.rec;
    if (seq === this.next) {
      this.next++;
    } else if (seq > this.next) {
      const missing = (this.missing ??= new Set());
      for (let s = this.next; s < seq; s++) missing.add(s);
      this.next = seq + 1;
    } else if (this.missing?.delete(seq)) {
      if (!own) rec.reordered++;
    } else {
      if (!own) rec.duplicated++;
      return;
    }
    if (!own) {
      this.uniqueDelivered++;
      rec.delivered++;
      rec.lastDeliveryUs = monoUs();
    }
  }

  /** Highest seq this user saw in its room (ack or msg). */
  get highestSeq(): number {
    return this.maxSeq;
  }

  /** Deliveries this user should have had, given the room's final seq. */
  expected(finalSeq: number): number {
    return this.joined ? Math.max(0, finalSeq - this.joinSeq - this.own) : 0;
  }

  get delivered(): number {
    return this.uniqueDelivered;
  }
}
