// What every simulated chat user is, whatever protocol it speaks: a WebSocket connection with its
// place in the send schedule, its behaviour, and the accounting of its stays in the room. A stay
// (joined → leaving) is a window over the room's sequence: deliveries fill it, own messages fill
// their own places, and what never arrived is a gap (Gaps: ranges, so a server's absurd seq costs
// no memory). The protocol subclasses say where the sequence comes from — the server's seqs
// (VirtualUser, chatbench's protocol) or the generator's own numbering carried in a marker
// (MarkerUser, any other server).
import { monoUs } from '../../clock.js';
import type { Scheduled } from '../send-schedule.js';
import { WsConnection } from './ws-connection.js';
import { ClientError } from './client-errors.js';
import { Gaps } from './gaps.js';
import type { GeneratorContext } from './context.js';

export const Behaviour = { Chatty: 0, Lurker: 1, SlowConsumer: 2, Reconnector: 3 } as const;
export type Behaviour = (typeof Behaviour)[keyof typeof Behaviour];

export abstract class SimulatedUser extends WsConnection implements Scheduled {
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
  protected windowOpen = false;
  protected joinSeq = 0;
  protected next = 0; // next seq expected in the room
  protected maxSeq = 0;
  protected missing: Gaps | undefined;
  protected windowDelivered = 0;
  protected own = 0; // own messages in this window (never delivered back to us)
  protected unanswered = 0; // own messages of this window with neither ack nor error yet
  private closedExpected = 0;
  private closedDelivered = 0;

  constructor(
    protected readonly ctx: GeneratorContext,
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

  /** The server dropped us (resumeOnDrop): reconnect, and keep this stay in the room open. Only
   * a protocol with history (chatbench's) can resume; the others start a new stay. */
  resume(): void {
    this.closeWindow();
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

  /** Send the message intended for nextSendUs (the generator calls this when it is due, or at
   * most half a tick before: then it is intended for now). */
  abstract sendDue(nowUs: number): void;

  protected ended(code: number, error?: Error): void {
    this.ctx.ended(this, code, error);
  }

  /** A stay in the room begins after the room's `seq`. */
  protected openWindow(seq: number): void {
    this.joined = true;
    this.windowOpen = true;
    this.unanswered = 0;
    this.joinSeq = seq;
    this.next = seq + 1;
    this.maxSeq = seq;
  }

  /** A delivery that fills a gap came after a later one it should have followed: out of order. */
  protected abstract cameAfterLater(seq: number): boolean;

  /** Follow the room's sequence: own messages fill the gaps they leave in the stream. Returns true
   * for a new delivery (not a duplicate, not from before we joined). */
  protected track(seq: number, own: boolean, nowUs: number, recovered = false): boolean {
    if (!this.windowOpen || seq <= this.joinSeq) return false; // sent before we joined, or we left
    if (seq > this.maxSeq) this.maxSeq = seq;
    const rec = this.ctx.rec;
    if (seq === this.next) {
      this.next++;
    } else if (seq > this.next) {
      if ((this.missing ??= new Gaps()).add(this.next, seq - 1)) rec.error(ClientError.GAPS_OVERFLOW);
      this.next = seq + 1;
    } else if (this.missing?.fill(seq)) {
      // out of order only against other deliveries: an ack is another stream, and a server may
      // well ack message N before it has delivered N − 1 from someone else
      // (read back after a resume: late, not out of order)
      if (!own && !recovered && this.cameAfterLater(seq)) rec.reordered++;
    } else {
      if (!own && !recovered) rec.duplicated++; // (read back: a seq we had, between the gaps)
      return false;
    }
    if (own) return recovered;
    this.delivered1(seq);
    this.windowDelivered++;
    rec.delivered++;
    rec.lastDeliveryUs = nowUs;
    return true;
  }

  /** A new delivery of `seq` was counted (subclasses note what out-of-order checks need). */
  protected abstract delivered1(seq: number): void;

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

  /** Highest seq this user saw in its room. */
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
