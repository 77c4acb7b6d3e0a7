// One simulated chat user of chatbench's own protocol (docs/protocol.md): connects (token on the
// upgrade), joins its room, sends when the generator says it is due, and records what it
// receives. It emits measurements into the process's Recorder and owns no statistics itself; the
// room's sequence is the server's `seq`, read at the byte level from msg and ack frames, and a
// client the server dropped resumes its stay with `history` (SimulatedUser keeps the accounting).
import { encodeJoin, encodeSayRaw, MAX_HISTORY_LIMIT } from '../../../protocol/frames.js';
import { isAck, isMsg, NumberScanner, tsAt } from '../../../protocol/scan.js';
import { monoUs } from '../../clock.js';
import { record } from '../../../results/histogram.js';
import { WsState } from './ws-connection.js';
import { ClientError } from './client-errors.js';
import { SimulatedUser } from './simulated-user.js';

export { Behaviour } from './simulated-user.js';

const scan = new NumberScanner(); // one per process: frames are read one at a time
const ACK_RING = 64; // in-flight messages whose send time a sender remembers (ids modulo 64)

export class VirtualUser extends SimulatedUser {
  private resuming = false; // dropped by the server; the stay in the room goes on after the rejoin
  private resumeFrom = 0; // seqs [resumeFrom, resumeTo] are being read back with `history`
  private resumeTo = 0;
  private maxDeliveredSeq = 0; // highest seq received as a msg frame (own acks apart)
  private readySeen = false; // `ready` came and our `join` went: a second `ready` changes nothing
  private msgId = 0;
  private sendLog: Float64Array | undefined;

  override start(): void {
    this.readySeen = false;
    super.start();
  }

  /** The server dropped us (resumeOnDrop): reconnect, and keep this stay in the room open. */
  override resume(): void {
    this.resuming = true;
    this.resumeTo = 0;
    this.attempts = 0;
    this.start();
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
          const why = `\`joined\` without a valid seq: ${sample(buf, start, end)} — chatbench's protocol needs the room's seq in joined, msg and ack (docs/protocol.md); a server that is only protocol-like is measured with protocol type json (docs/protocols.md)`;
          this.ctx.rec.error(ClientError.BAD_SEQ, why);
          this.fail(1000, ClientError.JOIN_REFUSED, why);
          return;
        }
        if (this.resuming && this.windowOpen) return this.rejoined(f.seq);
        this.openWindow(f.seq);
        this.maxDeliveredSeq = f.seq;
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
    if (!this.track(seq, false, now)) {
      // a seq we had: a duplicate, unless the server sent us our own message (the ack took its place)
      const from = buf.indexOf(`"from":"${this.user}"`, start, 'latin1');
      if (from >= 0 && from < end) this.ownMsg(buf, start, end, 'duplicate');
      return;
    }
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
    // the seq of our own message arrived already as a msg: the server sent it to us, and it was
    // counted as a delivery it is not
    if (this.windowOpen && seq > this.joinSeq && seq < this.next && !this.missing?.includes(seq)) this.ownMsg(buf, start, end, 'delivery');
    this.track(seq, true, now);
    if (this.awaitingAck) this.ctx.answered(this);
  }

  /** The server sent us our own message: undo what it was counted as, and say so. */
  private ownMsg(buf: Buffer, start: number, end: number, countedAs: 'duplicate' | 'delivery'): void {
    if (countedAs === 'duplicate') this.ctx.rec.duplicated--;
    else {
      this.windowDelivered--;
      this.ctx.rec.delivered--;
    }
    const seen = countedAs === 'duplicate' ? `after its ack: ${sample(buf, start, end)}` : `as a msg before its ack (${sample(buf, start, end)})`;
    this.ctx.rec.error(ClientError.OWN_MSG, `the server sent a sender its own message ${seen}; chatbench's protocol sends the sender an ack instead. A server that reflects messages to their sender is measured with protocol type json or socket.io, which count a reflection as the answer (docs/protocols.md)`);
  }

  protected cameAfterLater(seq: number): boolean {
    return seq < this.maxDeliveredSeq;
  }

  protected delivered1(seq: number): void {
    if (seq > this.maxDeliveredSeq) this.maxDeliveredSeq = seq;
  }
}

/** A frame, cut for an error message. */
function sample(buf: Buffer, start: number, end: number): string {
  return buf.toString('utf8', start, Math.min(end, start + 200)) + (end - start > 200 ? '…' : '');
}
