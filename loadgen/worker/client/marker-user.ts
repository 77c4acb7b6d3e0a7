// A simulated user of a server that gives no seqs (any protocol but chatbench's): a Codec speaks the
// server's frames; this user measures with the marker it writes into every message it sends
// (protocols/marker.ts). The room's sequence is the generator's own: every member of a room lives
// in the same generator process (docs/protocols.md, "How chatbench counts"), which numbers the
// room's messages as they are sent, so a receiver's window over that sequence gives lost,
// duplicated and out-of-order deliveries exactly as the server's seqs do for chatbench's protocol.
// Out of order is judged per sender: a server owes no order between two senders.
import { findMarker, encodeMarker, type Marker } from '../../protocols/marker.js';
import type { Codec, CodecSink } from '../../protocols/protocol.js';
import { record } from '../../../results/histogram.js';
import { monoUs } from '../../clock.js';
import { ClientError } from './client-errors.js';
import type { GeneratorContext } from './context.js';
import { Behaviour, SimulatedUser } from './simulated-user.js';
import { WsState } from './ws-connection.js';

const ACK_RING = 64; // in-flight messages whose send time a sender remembers (ids modulo 64)
const marker: Marker = { sender: 0, roomSeq: 0, counter: 0, intendedUs: 0, actualUs: 0 }; // one per process

/** What a marker user needs beyond a chatbench user's context: the codec, the room's numbering,
 * and a place to count frames the profile did not expect. */
export interface MarkerContext extends GeneratorContext {
  readonly codec: Codec;
  readonly bodyBytes: number;
  /** Number the room's next message (the generator's own sequence, per room). */
  nextRoomSeq(roomIndex: number): number;
  /** The room's sequence now (the last message numbered). */
  roomSeq(roomIndex: number): number;
  token(vu: MarkerUser): string;
  unmatched(kind: string, frame: string): void;
  matched(rule: string): void;
}

export class MarkerUser extends SimulatedUser implements CodecSink {
  phase = 0;
  private msgId = 0;
  private sendLog: Float64Array | undefined; // intended send time by id, for ack latency
  private lastFrom: Map<number, number> | undefined; // per sender: the highest room seq delivered
  // own messages awaiting an answer (only when the profile configures answers). The base class's
  // `unanswered` stays 0: own messages take their place in the sequence when sent, so no gap of a
  // receiver's window can be one of them.
  private awaiting = 0;

  constructor(
    private readonly mctx: MarkerContext,
    index: number,
    room: string,
    roomIndex: number,
    behaviour: Behaviour,
    waitForAck: boolean,
  ) {
    super(mctx, index, room, roomIndex, behaviour, waitForAck);
  }

  override start(): void {
    this.phase = 0;
    super.start();
  }

  get token(): string {
    return this.mctx.token(this);
  }

  // ---- WsConnection hooks ----

  protected opened(): void {
    this.mctx.codec.opened(this);
  }

  protected text(buf: Buffer, start: number, end: number): void {
    this.mctx.codec.frame(buf.toString('utf8', start, end), this);
  }

  // ---- CodecSink ----

  joinedRoom(): void {
    if (this.joined || this.state !== WsState.Open) return;
    record(this.ctx.rec.connect, monoUs() - this.connectStartUs);
    this.openWindow(this.mctx.roomSeq(this.roomIndex));
    this.lastFrom = undefined;
    this.ctx.joined(this);
  }

  answered(id: number | undefined): void {
    if (!this.windowOpen) return;
    this.ctx.rec.acked++;
    if (this.awaiting > 0) this.awaiting--;
    // an answer by id names its message; answers in order answer the oldest one in flight
    const which = id ?? this.msgId - 1 - this.awaiting;
    if (this.sendLog && which >= 0 && which < this.msgId && this.msgId - which <= ACK_RING) record(this.ctx.rec.ack, monoUs() - this.sendLog[which % ACK_RING]!);
    if (this.awaitingAck) this.ctx.answered(this);
  }

  message(text: string): void {
    const now = monoUs();
    if (!findMarker(text, marker)) return this.ctx.rec.error(ClientError.NO_MARKER);
    if (marker.sender === this.index) {
      // our own message, reflected to the whole room: its answer when nothing else answers
      if (!this.mctx.codec.answers) this.answered(marker.counter);
      return;
    }
    this.sender = marker.sender;
    if (!this.track(marker.roomSeq, false, now)) return;
    if (marker.intendedUs > 0 && marker.actualUs > 0) this.ctx.rec.delivery(now, marker.intendedUs, marker.actualUs);
    else this.ctx.rec.error(ClientError.BAD_TS);
  }

  write(frame: string): void {
    this.sendText(frame);
  }

  refuse(code: string, detail: string): void {
    this.fail(1000, code, detail);
  }

  rejected(code: string, detail: string, id: number | undefined): void {
    if (!this.windowOpen) return;
    this.ctx.rec.error(code, detail);
    this.ctx.rec.refuse(code);
    if (this.mctx.codec.answers && this.awaiting > 0) this.awaiting--;
    if (this.awaitingAck && (id === undefined || id === this.msgId - 1)) this.ctx.answered(this);
  }

  unmatched(kind: string, frame: string): void {
    this.mctx.unmatched(kind, frame);
  }

  matched(rule: string): void {
    this.mctx.matched(rule);
  }

  // ---- sending ----

  sendDue(nowUs: number): void {
    if (this.state !== WsState.Open || !this.joined) return;
    const id = this.msgId++;
    const intended = Math.min(this.nextSendUs, nowUs);
    const seq = this.mctx.nextRoomSeq(this.roomIndex);
    (this.sendLog ??= new Float64Array(ACK_RING))[id % ACK_RING] = intended;
    const body = encodeMarker({ sender: this.index, roomSeq: seq, counter: id, intendedUs: intended, actualUs: nowUs }, this.mctx.bodyBytes);
    this.sendText(this.mctx.codec.say(this, body, id));
    this.ctx.rec.sent++;
    this.own++;
    this.track(seq, true, nowUs); // our own place in the room's sequence, never ours to receive
    if (this.mctx.codec.answers) this.awaiting++;
    if (this.waitForAck) this.awaitingAck = true;
  }

  override get inFlight(): number {
    return this.awaiting;
  }

  override closeWindow(): void {
    super.closeWindow();
    this.awaiting = 0;
  }

  // ---- out of order: per sender ----

  private sender = -1; // the sender of the delivery being tracked

  protected cameAfterLater(seq: number): boolean {
    return seq < (this.lastFrom?.get(this.sender) ?? -1);
  }

  protected delivered1(seq: number): void {
    const from = (this.lastFrom ??= new Map());
    if (seq > (from.get(this.sender) ?? -1)) from.set(this.sender, seq);
  }
}
