// The baseline for `npm run bench:loadgen`: the client loop most people would write — one `ws`
// WebSocket per client, JSON.parse on every frame, a timer per sender, latency into
// hdr-histogram-js. It speaks the chat protocol and reports its own CPU and memory.
import WebSocket from 'ws';
import { encodeJoin, encodeSay } from '../protocol/frames.js';
import { signToken } from '../protocol/token.js';
import { monoUs } from '../loadgen/clock.js';
import { createHistogram, record } from '../results/histogram.js';
import { costOf, spent } from './proc-cost.js';

interface Args {
  url: string;
  secret: string;
  clients: number;
  roomSize: number;
  sendersPerRoom: number;
  rate: number;
  seconds: number;
  bodyBytes: number;
}

const a = JSON.parse(process.argv[2]!) as Args;
const hist = createHistogram();
const body = 'x'.repeat(a.bodyBytes);
const counts = { sent: 0, delivered: 0, acks: 0 };
// started with --expose-gc: memory is compared live, after a full collection, as chatbench does
const collectGarbage = (globalThis as { gc?: () => void }).gc;
collectGarbage?.();
const baseline = process.memoryUsage();
let joined = 0;
const sockets: WebSocket[] = [];
const timers: NodeJS.Timeout[] = [];

for (let i = 0; i < a.clients; i++) {
  const room = `p${Math.floor(i / a.roomSize)}`;
  const ws = new WebSocket(`${a.url}?token=${signToken({ sub: `p${i}` }, a.secret)}`);
  sockets.push(ws);
  ws.on('message', (data) => {
    const f = JSON.parse(data.toString()) as { type: string; ts?: number };
    if (f.type === 'msg') {
      counts.delivered++;
      if (typeof f.ts === 'number') record(hist, monoUs() - f.ts);
    } else if (f.type === 'ack') counts.acks++;
    else if (f.type === 'ready') ws.send(encodeJoin(room, 0));
    else if (f.type === 'joined') {
      if (i % a.roomSize < a.sendersPerRoom && a.rate > 0) {
        timers.push(
          setInterval(() => {
            ws.send(encodeSay(room, counts.sent++, body, monoUs()));
          }, 1000 / a.rate),
        );
      }
      if (++joined === a.clients) void measure();
    }
  });
}

async function measure(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1000)); // settle
  collectGarbage?.();
  const peak = process.memoryUsage();
  const c0 = process.cpuUsage();
  const k0 = costOf(process.pid);
  const n0 = { ...counts };
  await new Promise((r) => setTimeout(r, a.seconds * 1000));
  const c1 = process.cpuUsage();
  const cost = spent([k0], [costOf(process.pid)]);
  for (const t of timers) clearInterval(t);
  process.stdout.write(
    JSON.stringify({
      cpuUs: c1.user - c0.user + c1.system - c0.system,
      cost,
      sent: counts.sent - n0.sent,
      delivered: counts.delivered - n0.delivered,
      acks: counts.acks - n0.acks,
      rssPerClient: (peak.rss - baseline.rss) / a.clients,
      heapPerClient: (peak.heapUsed - baseline.heapUsed) / a.clients,
      p99Ms: hist.getValueAtPercentile(99) / 1000,
    }) + '\n',
  );
  for (const ws of sockets) ws.terminate();
  process.exit(0);
}
