// What the baseline client loops of `npm run bench:loadgen` share (a plain `ws` loop, one
// socket.io-client per user): their arguments, a timer per sender once it has joined, and the
// measuring end — once every client has joined, settle, take live memory after a full, compacting
// GC, measure CPU, syscalls and counts over the hold, and print them as one JSON line.
import type { Histogram } from 'hdr-histogram-js';
import { costOf, spent } from './proc-cost.js';
import { liveMemory } from '../lib/live-memory.js';

export interface LoopArgs {
  url: string;
  clients: number;
  roomSize: number;
  sendersPerRoom: number;
  rate: number;
  seconds: number;
  bodyBytes: number;
}

// the loops run with --expose-gc: memory is compared live, after a compacting full collection, as
// chatbench does

export class ClientLoop {
  readonly counts = { sent: 0, delivered: 0, acks: 0 };
  private readonly baseline: NodeJS.MemoryUsage;
  private readonly timers: NodeJS.Timeout[] = [];
  private joinedClients = 0;

  /** Create before any client: memory is measured against the process as it is now. */
  constructor(
    readonly a: LoopArgs,
    private readonly hist: Histogram,
    private readonly closeAll: () => void,
  ) {
    this.baseline = liveMemory();
  }

  /** Client i is in its room: a sender starts sending with `send`; the last one starts the measurement. */
  joined(i: number, send: () => void): void {
    if (i % this.a.roomSize < this.a.sendersPerRoom && this.a.rate > 0) this.timers.push(setInterval(send, 1000 / this.a.rate));
    if (++this.joinedClients === this.a.clients) void this.measureAndReport();
  }

  private async measureAndReport(): Promise<never> {
    await new Promise((r) => setTimeout(r, 1000)); // settle
    const peak = liveMemory();
    const c0 = process.cpuUsage();
    const k0 = costOf(process.pid);
    const n0 = { ...this.counts };
    await new Promise((r) => setTimeout(r, this.a.seconds * 1000));
    const c1 = process.cpuUsage();
    const cost = spent([k0], [costOf(process.pid)]);
    for (const t of this.timers) clearInterval(t);
    this.closeAll();
    process.stdout.write(
      JSON.stringify({
        cpuUs: c1.user - c0.user + c1.system - c0.system,
        cost,
        sent: this.counts.sent - n0.sent,
        delivered: this.counts.delivered - n0.delivered,
        acks: this.counts.acks - n0.acks,
        rssPerClient: (peak.rss - this.baseline.rss) / this.a.clients,
        heapPerClient: (peak.heapUsed - this.baseline.heapUsed) / this.a.clients,
        p99Ms: this.hist.totalCount ? this.hist.getValueAtPercentile(99) / 1000 : NaN,
      }) + '\n',
    );
    process.exit(0);
  }
}
