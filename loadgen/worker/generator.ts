// One generator process: ramps its share of the clients up, drives every sender from one timer,
// reports a tick per second, then drains and reports totals. Connection failures before `joined`
// are retried (up to MAX_ATTEMPTS) while the ramp lasts; only then do they count as failed.
import { LoopDelay } from '../../lib/loop-delay.js';
import { signToken } from '../../protocol/token.js';
import { monoUs } from '../clock.js';
import type { GeneratorContext } from '../client/context.js';
import { VirtualUser } from '../client/virtual-user.js';
import { WsState, type ConnectTarget } from '../client/ws-connection.js';
import { encode } from '../histogram.js';
import { Recorder } from '../recorder.js';
import { SendSchedule } from '../send-schedule.js';
import { createHistogram } from '../histogram.js';
import type { FinalCounts, FromWorker, WorkerPlan } from './messages.js';

const MAX_ATTEMPTS = 3;
const MAX_CONNECTING = 1000; // connects in flight at once, so a burst cannot overflow the accept backlog
const TICK_MS = 1;

export class Generator implements GeneratorContext {
  readonly rec = new Recorder();
  readonly bodyJson: string;
  private readonly users: VirtualUser[] = [];
  private readonly schedule = new SendSchedule<VirtualUser>();
  private loop: LoopDelay | undefined;
  private readonly runLoop = { p99: 0, max: 0 };
  private readonly intervalUs: number;
  private t0Us = 0;
  private stopUs = 0;
  private launched = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastTick = { sec: 0, cpu: process.cpuUsage(), sent: 0, acked: 0, delivered: 0, errors: 0 };
  private drained = false;

  constructor(
    private readonly plan: WorkerPlan,
    private readonly emit: (m: FromWorker) => void,
  ) {
    this.bodyJson = JSON.stringify('x'.repeat(plan.bodyBytes));
    this.intervalUs = plan.messageRate > 0 ? 1e6 / plan.messageRate : Infinity;
    for (let i = plan.worker; i < plan.clients; i += plan.workers) {
      const room = `r${Math.floor(i / plan.roomSize)}`;
      const sender = Math.floor((i + 1) * plan.senders) > Math.floor(i * plan.senders);
      this.users.push(new VirtualUser(this, i, room, sender));
    }
  }

  start(t0Us: number): void {
    this.t0Us = t0Us;
    this.stopUs = t0Us + (this.plan.rampUpMs + this.plan.durationMs) * 1e3;
    this.loop = new LoopDelay();
    this.lastTick.cpu = process.cpuUsage();
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  // ---- GeneratorContext ----

  target(vu: VirtualUser): ConnectTarget {
    const { host, port, path } = this.plan.target;
    return { host, port, path, localAddress: this.plan.localAddress, headers: this.authHeader(vu) };
  }

  startSending(vu: VirtualUser): void {
    const now = monoUs();
    if (this.intervalUs === Infinity || now >= this.stopUs) return;
    vu.nextSendUs = now + Math.random() * this.intervalUs; // spread the phase of senders
    this.schedule.add(vu);
  }

  ended(vu: VirtualUser, code: number, error?: Error): void {
    this.schedule.remove(vu);
    if (vu.joined) {
      vu.joined = false;
      this.rec.connected--;
      this.rec.closed(code);
      return;
    }
    this.rec.connecting--;
    if (this.drained) return;
    if (vu.attempts < MAX_ATTEMPTS && monoUs() < this.stopUs) {
      this.rec.connectRetries++;
      setTimeout(() => vu.start(), 50 * vu.attempts * (1 + Math.random())).unref();
      return;
    }
    this.rec.connectFailed++;
    this.rec.error(error ? `CONNECT_${(error as NodeJS.ErrnoException).code ?? 'FAILED'}` : 'CONNECT_CLOSED');
  }

  // ---- the one timer ----

  private tick(): void {
    const now = monoUs();
    this.launch(now);
    this.sendDue(now);
    const sec = Math.floor((now - this.t0Us) / 1e6);
    if (sec > this.lastTick.sec) this.report(sec);
    if (now >= this.stopUs && !this.drained) this.checkDrained(now);
  }

  /** Start the clients whose ramp slot has come (client i of N at t0 + i/N × ramp). */
  private launch(now: number): void {
    const { clients, rampUpMs } = this.plan;
    while (this.launched < this.users.length && this.rec.connecting < MAX_CONNECTING) {
      const vu = this.users[this.launched]!;
      const slotUs = this.t0Us + (clients > 1 ? (vu.index / clients) * rampUpMs * 1e3 : 0);
      if (slotUs > now) break;
      vu.start();
      this.launched++;
    }
  }

  private sendDue(now: number): void {
    const until = Math.min(now, this.stopUs);
    let vu = this.schedule.peek();
    while (vu && vu.nextSendUs <= until) {
      vu.sendDue(now);
      vu.nextSendUs += this.intervalUs;
      if (vu.nextSendUs >= this.stopUs || vu.state !== WsState.Open) this.schedule.remove(vu);
      else this.schedule.updateTop();
      vu = this.schedule.peek();
    }
  }

  private report(sec: number): void {
    const cpu = process.cpuUsage();
    const r = this.rec;
    const last = this.lastTick;
    this.emit({
      type: 'tick',
      sec: last.sec,
      connected: r.connected,
      connecting: r.connecting,
      sent: r.sent - last.sent,
      acked: r.acked - last.acked,
      delivered: r.delivered - last.delivered,
      errors: r.errorCount - last.errors,
      e2e: encode(r.second),
      cpuUs: cpu.user - last.cpu.user + cpu.system - last.cpu.system,
      loopDelayP99Ms: this.loop!.percentileMs(99),
    });
    this.runLoop.p99 = Math.max(this.runLoop.p99, this.loop!.percentileMs(99));
    this.runLoop.max = Math.max(this.runLoop.max, this.loop!.maxMs());
    this.loop!.reset();
    r.second = createHistogram();
    this.lastTick = { sec, cpu, sent: r.sent, acked: r.acked, delivered: r.delivered, errors: r.errorCount };
  }

  /** Sending stopped: wait for in-flight deliveries and acks (quiet for 300 ms), at most drainMs. */
  private checkDrained(now: number): void {
    const quiet = now - Math.max(this.rec.lastDeliveryUs, this.stopUs) > 300_000;
    const acksIn = this.rec.acked >= this.rec.sent - (this.rec.errors.get('RATE_LIMITED') ?? 0);
    if ((quiet && acksIn) || now > this.stopUs + this.plan.drainMs * 1e3) {
      this.drained = true;
      clearInterval(this.timer);
      const roomMax: Record<string, number> = {};
      for (const vu of this.users) roomMax[vu.room] = Math.max(roomMax[vu.room] ?? 0, vu.highestSeq);
      this.emit({ type: 'drained', roomMax });
    }
  }

  /** Totals once every process has drained and the rooms' final seqs are known. */
  finalize(roomMax: Record<string, number>): void {
    let expected = 0;
    let delivered = 0;
    for (const vu of this.users) {
      expected += vu.expected(roomMax[vu.room] ?? 0);
      delivered += vu.delivered;
    }
    this.loop?.stop();
    const r = this.rec;
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    const counts: FinalCounts = {
      connectOk: r.connectOk,
      connectFailed: r.connectFailed,
      connectRetries: r.connectRetries,
      peakConnected: r.peakConnected,
      sent: r.sent,
      acked: r.acked,
      delivered: r.delivered,
      duplicated: r.duplicated,
      reordered: r.reordered,
      expected,
      lost: Math.max(0, expected - delivered),
      errors: Object.fromEntries(r.errors),
      closes: Object.fromEntries(r.closes),
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      loopDelayP99Ms: this.runLoop.p99,
      loopDelayMaxMs: this.runLoop.max,
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
    };
    this.emit({
      type: 'final',
      hist: { e2e: encode(r.e2e), e2eUncorrected: encode(r.e2eUncorrected), ack: encode(r.ack), connect: encode(r.connect) },
      counts,
    });
    for (const vu of this.users) vu.close(1000);
  }

  private authHeader(vu: VirtualUser): string {
    return `Authorization: Bearer ${signToken({ sub: `u${vu.index}`, ttlSec: 24 * 3600 }, this.plan.secret)}\r\n`;
  }
}
