// One generator process: creates its share of the clients (the k-th of its shard's clients when
// k % workers == worker), connects and disconnects them as the executor plans, drives every
// sender from one timer, plays the slow-consumer and reconnector behaviours, reports a tick per second, then drains and
// reports totals. Connection failures before `joined` are retried (up to MAX_ATTEMPTS) while the
// run lasts; only then do they count as failed.
import { signingKey, signToken, signTokenWithKey, type SigningKey } from '../../protocol/token.js';
import { LoopDelay } from '../../lib/loop-delay.js';
import { collectsGarbage, liveMemory } from '../../lib/live-memory.js';
import { monoUs } from '../clock.js';
import { Behaviour, VirtualUser } from './client/virtual-user.js';
import type { SimulatedUser } from './client/simulated-user.js';
import { MarkerUser, type MarkerContext } from './client/marker-user.js';
import { createCodec } from '../protocols/registry.js';
import type { Codec } from '../protocols/protocol.js';
import { WsConnection, WsState, type ConnectTarget } from './client/ws-connection.js';
import { ClientError, ClientFailure } from './client/client-errors.js';
import type { Executor } from '../executors/executor.js';
import { createExecutor } from '../executors/registry.js';
import { encode } from '../../results/histogram.js';
import { behaviourOf, countBehaviour, roomMapper, shardClients } from './population.js';
import { Recorder } from './recorder.js';
import { behavioursOf, type BehavioursSpec } from '../scenario/schema.js';
import { SendSchedule } from './send-schedule.js';
import { onReadTurnEnd } from './client/read-turn.js';
import type { FinalCounts, FromWorker, WorkerPlan } from './messages.js';

const MAX_ATTEMPTS = 3;
const MAX_CONNECTING = 1000; // connects in flight per process, so a burst cannot overflow the accept backlog
const TICK_MS = 1;
// A send whose slot is at most this far ahead goes now, its slot moved back to now (never later):
// the timer's whole-ms ticks would otherwise add their phase, ≈ 0.5 ms at the median, to every
// corrected latency — the instrument's delay, not the server's. Lateness past a slot is never
// moved: a stalled generator or a closed-loop wait still shows in full.
const SEND_AHEAD_US = (TICK_MS * 1000) / 2;
const BEHAVIOUR_CHECK_US = 50_000;
const CODES = { chatty: Behaviour.Chatty, lurker: Behaviour.Lurker, 'slow-consumer': Behaviour.SlowConsumer, reconnector: Behaviour.Reconnector } as const;

const UNMATCHED_SAMPLES = 5;
const UNMATCHED_KINDS = 100; // a server inventing a new kind per frame costs no more memory than this
// chatbench's own protocol has no codec (VirtualUser speaks it): this one is never called
const NO_CODEC: Codec = { answers: true, rules: [], path: () => '', opened: () => {}, frame: () => {}, say: () => '' };
const SAMPLE_CHARS = 200;

export class Generator implements MarkerContext {
  readonly rec = new Recorder();
  readonly bodyJson: string;
  readonly bodyBytes: number;
  /** The protocol's codec (marker protocols only). */
  readonly codec: Codec;
  private readonly marker: boolean;
  private readonly roomSeqs = new Map<number, number>(); // marker protocols: each room's messages, numbered here
  private readonly rules = new Map<string, number>(); // profile rules that matched, and how often
  private readonly unmatchedKinds = new Map<string, number>();
  private readonly unmatchedSamples: string[] = [];
  private readonly exec: Executor;
  private readonly behaviours: BehavioursSpec;
  private readonly users: SimulatedUser[] = []; // in connect order
  private readonly leavers: SimulatedUser[]; // in leave order (only those that leave)
  private readonly actors: SimulatedUser[]; // slow consumers and reconnectors
  private readonly connecting = new Set<SimulatedUser>(); // started, not yet joined nor ended
  private readonly signer: SigningKey | undefined;
  private readonly schedule = new SendSchedule<SimulatedUser>();
  private readonly senders: number; // chatty clients in the whole run (all processes)
  private readonly chattyRate: number;
  private loop: LoopDelay | undefined;
  private loopFigures: { p99: number; max: number } | undefined; // taken when the run drained
  private t0Us = 0;
  private stopUs = 0;
  private launched = 0;
  private left = 0;
  private nextBehaviourCheckUs = 0;
  private nextTimeoutCheckUs = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastTick = { sec: 0, cpu: process.cpuUsage(), sent: 0, acked: 0, delivered: 0, errors: 0 };
  private drained = false;
  private resumed = false;
  private readonly baseline = memoryNow();
  private peakMem = { connected: -1, rss: 0, heap: 0 };
  private drainMem = { connected: 0, rss: 0, heap: 0, afterGc: false };

  constructor(
    private readonly plan: WorkerPlan,
    private readonly emit: (m: FromWorker) => void,
  ) {
    const s = plan.scenario;
    this.exec = createExecutor(s);
    WsConnection.maxFrameBytes = s.maxFrameBytes;
    this.signer = plan.tokenKey ? signingKey(plan.tokenKey as Parameters<typeof signingKey>[0]) : undefined;
    this.behaviours = behavioursOf(s);
    this.bodyJson = JSON.stringify('x'.repeat(s.bodyBytes));
    this.bodyBytes = s.bodyBytes;
    const codec = createCodec(s.protocol);
    this.marker = codec !== undefined;
    this.codec = codec ?? NO_CODEC;
    this.chattyRate = this.behaviours.chatty?.rate ?? s.messageRate;
    this.senders = countBehaviour(this.behaviours, this.exec.clients, 'chatty');
    const roomOf = roomMapper(s.rooms, this.exec.clients);
    const waitForAck = this.behaviours.chatty?.waitForAck ?? false;
    const mine = shardClients(this.exec.clients, roomOf, plan.shard);
    // the k-th client of the shard, or, for a marker protocol, whole rooms: the process that numbers
    // a room's messages holds all its members (docs/protocols.md)
    const ours = this.marker ? mine.filter((i) => roomOf(i) % plan.workers === plan.worker) : mine.filter((_, k) => k % plan.workers === plan.worker);
    for (const i of ours) {
      const roomIndex = roomOf(i);
      const behaviour = CODES[behaviourOf(this.behaviours, i)];
      const closedLoop = behaviour === Behaviour.Chatty && waitForAck;
      this.users.push(this.marker ? new MarkerUser(this, i, `r${roomIndex}`, roomIndex, behaviour, closedLoop) : new VirtualUser(this, i, `r${roomIndex}`, roomIndex, behaviour, closedLoop));
    }
    this.users.sort((a, b) => this.exec.connectAtMs(a.index) - this.exec.connectAtMs(b.index));
    this.leavers = this.users.filter((u) => Number.isFinite(this.exec.leaveAtMs(u.index))).sort((a, b) => this.exec.leaveAtMs(a.index) - this.exec.leaveAtMs(b.index));
    this.actors = this.users.filter((u) => u.behaviour === Behaviour.SlowConsumer || u.behaviour === Behaviour.Reconnector);
  }

  start(t0Us: number): void {
    this.t0Us = t0Us;
    this.stopUs = t0Us + this.exec.durationMs * 1e3;
    this.loop = new LoopDelay();
    this.lastTick.cpu = process.cpuUsage();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    // between ticks, sends fall due at the end of every loop turn that read sockets
    onReadTurnEnd(() => {
      if (this.stopUs > 0 && !this.drained) this.sendDue(monoUs());
    });
  }

  // ---- GeneratorContext ----

  target(vu: SimulatedUser): ConnectTarget {
    // rooms on one server each, or, on a bus, every room's members spread over the servers
    const slot = this.plan.scenario.bus === 'redis' ? vu.index + vu.moves : vu.roomIndex;
    const t = this.plan.targets[slot % this.plan.targets.length]!;
    const sources = this.plan.localAddresses;
    const localAddress = sources.length ? sources[vu.index % sources.length] : undefined;
    // a marker protocol's path comes from its profile, after the target's; its token only where a
    // template asks for {token}
    if (vu instanceof MarkerUser) return { host: t.host, port: t.port, path: t.path.replace(/\/$/, '') + this.codec.path(vu), localAddress, ...(this.codec.headers ? { headers: this.codec.headers } : {}) };
    return { host: t.host, port: t.port, path: t.path, localAddress, headers: `Authorization: Bearer ${this.token(vu)}\r\n` };
  }

  token(vu: SimulatedUser): string {
    const claims = { sub: vu.user, ttlSec: 24 * 3600 };
    return this.signer ? signTokenWithKey(claims, this.signer) : signToken(claims, this.plan.secret);
  }

  nextRoomSeq(roomIndex: number): number {
    const seq = (this.roomSeqs.get(roomIndex) ?? 0) + 1;
    this.roomSeqs.set(roomIndex, seq);
    return seq;
  }

  roomSeq(roomIndex: number): number {
    return this.roomSeqs.get(roomIndex) ?? 0;
  }

  matched(rule: string): void {
    this.rules.set(rule, (this.rules.get(rule) ?? 0) + 1);
  }

  unmatched(kind: string, frame: string): void {
    let key = kind.slice(0, 80);
    if (!this.unmatchedKinds.has(key) && this.unmatchedKinds.size >= UNMATCHED_KINDS) key = '(other kinds)';
    this.unmatchedKinds.set(key, (this.unmatchedKinds.get(key) ?? 0) + 1);
    if (this.unmatchedSamples.length < UNMATCHED_SAMPLES) this.unmatchedSamples.push(frame.length > SAMPLE_CHARS ? `${frame.slice(0, SAMPLE_CHARS)}…` : frame);
  }

  started(vu: SimulatedUser): void {
    this.connecting.add(vu);
  }

  joined(vu: SimulatedUser): void {
    const now = monoUs();
    this.connecting.delete(vu);
    this.rec.connecting--;
    this.rec.connectOk++;
    this.rec.joined();
    if (vu.behaviour === Behaviour.SlowConsumer || vu.behaviour === Behaviour.Reconnector) {
      vu.nextToggleUs = now + Math.random() * this.actEveryUs(vu);
    }
    if (vu.behaviour !== Behaviour.Chatty || now >= this.stopUs) return;
    // the first message at a random phase of the sender's schedule
    const first = this.exec.nextSendMs((now - this.t0Us) / 1e3, this.senders, this.chattyRate, Math.random());
    vu.nextSendUs = this.t0Us + first * 1e3;
    vu.awaitingAck = false;
    if (vu.nextSendUs < this.stopUs) this.schedule.add(vu);
  }

  answered(vu: SimulatedUser): void {
    vu.awaitingAck = false;
    if (vu.heapPos < 0 && vu.nextSendUs < this.stopUs && vu.state === WsState.Open) this.schedule.add(vu);
  }

  ended(vu: SimulatedUser, code: number, error?: Error): void {
    this.schedule.remove(vu);
    this.connecting.delete(vu);
    const failure = error instanceof ClientFailure ? error.code : undefined;
    const onBus = this.plan.scenario.bus === 'redis';
    if (vu.joined && !vu.leaving && this.plan.scenario.resumeOnDrop && !this.drained && monoUs() < this.stopUs) {
      // dropped by the server: come back (on the next server, on a bus) and resume the stay
      vu.joined = false;
      this.rec.connected--;
      this.rec.closed(code);
      if (failure) this.rec.error(failure, error!.message);
      this.rec.resumes++;
      if (onBus) vu.moves++;
      vu.resume();
      return;
    }
    vu.closeWindow();
    // a sender that left on purpose took its messages in flight with it: nothing can answer them now
    if (vu.leaving) this.rec.abandoned += vu.inFlight;
    if (vu.joined) {
      vu.joined = false;
      this.rec.connected--;
      this.rec.closed(code);
      if (failure) this.rec.error(failure, error!.message);
      if (vu.leaving && vu.behaviour === Behaviour.Reconnector && !this.drained && monoUs() < this.stopUs) {
        this.rec.reconnects++;
        vu.start();
      }
      return;
    }
    this.rec.connecting--;
    if (this.drained || vu.leaving) return;
    if (vu.attempts < MAX_ATTEMPTS && monoUs() < this.stopUs) {
      this.rec.connectRetries++;
      if (onBus) vu.moves++; // that server may be gone: try the next
      setTimeout(() => vu.start(), 50 * vu.attempts * (1 + Math.random())).unref();
      return;
    }
    this.rec.connectFailed++;
    this.rec.error(failure ?? (error ? `CONNECT_${(error as NodeJS.ErrnoException).code ?? 'FAILED'}` : 'CONNECT_CLOSED'), error?.message);
  }

  // ---- the one timer ----

  private tick(): void {
    const now = monoUs();
    this.launch(now);
    this.sendDue(now);
    this.leave(now);
    if (now >= this.nextTimeoutCheckUs) {
      this.nextTimeoutCheckUs = now + BEHAVIOUR_CHECK_US;
      this.timeOutConnects(now);
    }
    if (now >= this.nextBehaviourCheckUs && now < this.stopUs) {
      this.nextBehaviourCheckUs = now + BEHAVIOUR_CHECK_US;
      this.act(now);
    }
    if (now >= this.stopUs && !this.resumed) this.resumeAll();
    const sec = Math.floor((now - this.t0Us) / 1e6);
    if (sec > this.lastTick.sec) this.report(sec);
    if (now >= this.stopUs && !this.drained) this.checkDrained(now);
  }

  /** Start the clients whose connect time has come. */
  private launch(now: number): void {
    while (this.launched < this.users.length && this.rec.connecting < MAX_CONNECTING && now < this.stopUs) {
      const vu = this.users[this.launched]!;
      if (this.t0Us + this.exec.connectAtMs(vu.index) * 1e3 > now) break;
      vu.start();
      this.launched++;
    }
  }

  /** A client not joined within connectTimeout (TCP, upgrade, `ready`, `joined`) gives up; it is
   * retried like any failed connect, and counts as failed when out of attempts or time. */
  private timeOutConnects(now: number): void {
    const limitUs = this.plan.scenario.connectTimeout * 1e3;
    for (const vu of this.connecting) if (now - vu.connectStartUs > limitUs) vu.timeOut(this.plan.scenario.connectTimeout);
  }

  private leave(now: number): void {
    while (this.left < this.leavers.length) {
      const vu = this.leavers[this.left]!;
      if (this.t0Us + this.exec.leaveAtMs(vu.index) * 1e3 > now) break;
      this.left++;
      vu.attempts = MAX_ATTEMPTS; // no retries for a client whose time is over
      vu.leave();
    }
  }

  private sendDue(now: number): void {
    const until = Math.min(now + SEND_AHEAD_US, this.stopUs);
    let vu = this.schedule.peek();
    while (vu && vu.nextSendUs <= until) {
      vu.sendDue(now);
      const next = this.exec.nextSendMs((vu.nextSendUs - this.t0Us) / 1e3, this.senders, this.chattyRate, 1);
      vu.nextSendUs = this.t0Us + next * 1e3;
      if (vu.awaitingAck || vu.nextSendUs >= this.stopUs || vu.state !== WsState.Open) this.schedule.remove(vu);
      else this.schedule.updateTop();
      vu = this.schedule.peek();
    }
  }

  /** Slow consumers pause and resume reading; reconnectors drop and come back. */
  private act(now: number): void {
    for (const vu of this.actors) {
      if (!vu.joined || now < vu.nextToggleUs) continue;
      if (vu.behaviour === Behaviour.Reconnector) {
        if (now < this.stopUs) vu.leave();
        continue;
      }
      const b = this.behaviours['slow-consumer']!;
      vu.paused = !vu.paused;
      if (vu.paused) vu.pauseReading();
      else vu.resumeReading();
      vu.nextToggleUs = now + (vu.paused ? b.pauseFor : b.pauseEvery - b.pauseFor) * 1e3;
    }
  }

  /** Sending is over: paused readers read again, so the drain sees what was waiting for them. */
  private resumeAll(): void {
    this.resumed = true;
    for (const vu of this.actors) {
      if (!vu.paused) continue;
      vu.paused = false;
      vu.resumeReading();
    }
  }

  private actEveryUs(vu: SimulatedUser): number {
    if (vu.behaviour === Behaviour.Reconnector) return this.behaviours.reconnector!.every * 1e3;
    return this.behaviours['slow-consumer']!.pauseEvery * 1e3;
  }

  private report(sec: number): void {
    const cpu = process.cpuUsage();
    const r = this.rec;
    const last = this.lastTick;
    const loop = this.loop!;
    this.emit({
      type: 'tick',
      sec: last.sec,
      connected: r.connected,
      connecting: r.connecting,
      sent: r.sent - last.sent,
      acked: r.acked - last.acked,
      delivered: r.delivered - last.delivered,
      errors: r.errorCount - last.errors,
      e2e: r.closeSecond(),
      cpuUs: cpu.user - last.cpu.user + cpu.system - last.cpu.system,
      loopDelayP99Ms: loop.percentileMs(99),
    });
    loop.reset();
    if (r.connected > this.peakMem.connected) {
      const mem = process.memoryUsage();
      this.peakMem = { connected: r.connected, rss: mem.rss, heap: mem.heapUsed };
    }
    this.lastTick = { sec, cpu, sent: r.sent, acked: r.acked, delivered: r.delivered, errors: r.errorCount };
  }

  /** Sending stopped: wait for in-flight deliveries and acks (quiet for 300 ms), at most the drain. */
  private checkDrained(now: number): void {
    const quiet = now - Math.max(this.rec.lastDeliveryUs, this.stopUs) > 300_000;
    const unanswered = this.unanswered();
    if ((quiet && unanswered <= 0) || now > this.stopUs + this.plan.scenario.drain * 1e3) {
      this.drained = true;
      clearInterval(this.timer);
      onReadTurnEnd(undefined);
      // nothing is measured any more: the loop's figures are final, so a full collection now (a
      // few hundred ms with 12,500 clients) costs no figure, and leaves live memory
      this.loopFigures = { p99: this.loop?.runPercentileMs(99) ?? 0, max: this.loop?.runMaxMs() ?? 0 };
      this.loop?.stop();
      if (this.rec.connected > 0) this.drainMem = { connected: this.rec.connected, ...memoryNow(), afterGc: collectsGarbage };
      const roomMax: Record<string, number> = {};
      // the highest seq any member saw; a marker protocol's rooms were numbered here, all of them
      if (this.marker) for (const [room, seq] of this.roomSeqs) roomMax[`r${room}`] = seq;
      else for (const vu of this.users) roomMax[vu.room] = Math.max(roomMax[vu.room] ?? 0, vu.highestSeq);
      this.emit({ type: 'drained', roomMax });
    }
  }

  /** Sends with neither answer nor refusal. A profile that configures no answers has none: its
   * sends are never answered, so none is unanswered (an own message reflected still counts acked). */
  private unanswered(): number {
    if (this.marker && !this.codec.answers) return 0;
    return Math.max(0, this.rec.sent - this.rec.acked - this.rec.refused - this.rec.abandoned);
  }

  /** Totals once every process has drained and the rooms' final seqs are known. */
  finalize(roomMax: Record<string, number>): void {
    // still connecting when the run ended, or never started because connects were stuck: failed
    for (const vu of this.connecting) {
      this.rec.connectFailed++;
      this.rec.error(ClientError.CONNECT_UNFINISHED);
      vu.attempts = MAX_ATTEMPTS;
    }
    for (let i = this.launched; i < this.users.length; i++) {
      if (this.exec.connectAtMs(this.users[i]!.index) >= this.exec.durationMs) continue;
      this.rec.connectFailed++;
      this.rec.error(ClientError.CONNECT_NOT_STARTED);
    }
    let expected = 0;
    let delivered = 0;
    for (const vu of this.users) {
      expected += vu.expected(roomMax[vu.room] ?? 0);
      delivered += vu.delivered;
    }
    const loopP99 = this.loopFigures?.p99 ?? this.loop?.runPercentileMs(99) ?? 0;
    const loopMax = this.loopFigures?.max ?? this.loop?.runMaxMs() ?? 0;
    this.loop?.stop();
    const r = this.rec;
    const cpu = process.cpuUsage();
    const mem = process.memoryUsage();
    const counts: FinalCounts = {
      connectOk: r.connectOk,
      connectFailed: r.connectFailed,
      connectRetries: r.connectRetries,
      reconnects: r.reconnects,
      resumes: r.resumes,
      recovered: r.recovered,
      peakConnected: r.peakConnected,
      sent: r.sent,
      acked: r.acked,
      refused: r.refused,
      refusedByCode: Object.fromEntries(r.refusedByCode),
      abandoned: r.abandoned,
      unanswered: this.unanswered(),
      delivered: r.delivered,
      duplicated: r.duplicated,
      reordered: r.reordered,
      expected,
      lost: Math.max(0, expected - delivered),
      errors: Object.fromEntries(r.errors),
      errorSamples: Object.fromEntries(r.errorSamples),
      closes: Object.fromEntries(r.closes),
      cpuUserUs: cpu.user,
      cpuSystemUs: cpu.system,
      loopDelayP99Ms: loopP99,
      loopDelayMaxMs: loopMax,
      rssBytes: mem.rss,
      heapUsedBytes: mem.heapUsed,
      baselineRssBytes: this.baseline.rss,
      baselineHeapBytes: this.baseline.heap,
      peakClientsRssBytes: this.peakMem.rss,
      peakClientsHeapBytes: this.peakMem.heap,
      drainClients: this.drainMem.connected,
      drainRssBytes: this.drainMem.rss,
      drainHeapBytes: this.drainMem.heap,
      drainAfterGc: this.drainMem.afterGc,
      clients: this.users.length,
      ...(this.marker
        ? { protocol: { rules: Object.fromEntries(this.codec.rules.map((rule) => [rule, this.rules.get(rule) ?? 0])), unmatched: Object.fromEntries(this.unmatchedKinds), samples: this.unmatchedSamples } }
        : {}),
    };
    this.emit({
      type: 'final',
      hist: { e2e: encode(r.e2e()), e2eUncorrected: encode(r.e2eUncorrected), ack: encode(r.ack), connect: encode(r.connect), instrument: encode(r.instrument) },
      counts,
    });
    for (const vu of this.users) vu.close(1000);
  }

}

// The coordinator starts generator processes with --expose-gc, so memory figures can be live
// memory rather than whatever garbage the last second left.
function memoryNow(): { rss: number; heap: number } {
  const m = liveMemory();
  return { rss: m.rss, heap: m.heapUsed };
}
