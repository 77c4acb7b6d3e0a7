// The measuring end the baseline client loops of `npm run bench:loadgen` share (a plain `ws` loop, one
// socket.io-client per user): once every client has joined, settle, take live memory after a full
// GC, measure CPU, syscalls and counts over the hold, and print them as one JSON line.
import type { Histogram } from 'hdr-histogram-js';
import { costOf, spent } from './proc-cost.js';

export interface LoopCounts {
  sent: number;
  delivered: number;
  acks: number;
}

// the loops run with --expose-gc: memory is compared live, after a full collection, as chatbench does
const collectGarbage = (globalThis as { gc?: () => void }).gc;

/** Live memory before any client: call before creating them. */
export function memoryBaseline(): NodeJS.MemoryUsage {
  collectGarbage?.();
  return process.memoryUsage();
}

export async function measureAndReport(o: { counts: LoopCounts; baseline: NodeJS.MemoryUsage; clients: number; seconds: number; hist: Histogram; stop: () => void }): Promise<never> {
  await new Promise((r) => setTimeout(r, 1000)); // settle
  collectGarbage?.();
  const peak = process.memoryUsage();
  const c0 = process.cpuUsage();
  const k0 = costOf(process.pid);
  const n0 = { ...o.counts };
  await new Promise((r) => setTimeout(r, o.seconds * 1000));
  const c1 = process.cpuUsage();
  const cost = spent([k0], [costOf(process.pid)]);
  o.stop();
  process.stdout.write(
    JSON.stringify({
      cpuUs: c1.user - c0.user + c1.system - c0.system,
      cost,
      sent: o.counts.sent - n0.sent,
      delivered: o.counts.delivered - n0.delivered,
      acks: o.counts.acks - n0.acks,
      rssPerClient: (peak.rss - o.baseline.rss) / o.clients,
      heapPerClient: (peak.heapUsed - o.baseline.heapUsed) / o.clients,
      p99Ms: o.hist.totalCount ? o.hist.getValueAtPercentile(99) / 1000 : NaN,
    }) + '\n',
  );
  process.exit(0);
}
