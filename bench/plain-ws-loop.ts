// The baseline for `npm run bench:loadgen`: the client loop most people would write — one `ws`
// WebSocket per client, JSON.parse on every frame, a timer per sender, latency into
// hdr-histogram-js. It speaks the chat protocol and reports its own CPU and memory.
import WebSocket from 'ws';
import { encodeJoin, encodeSay } from '../protocol/frames.js';
import { signToken } from '../protocol/token.js';
import { monoUs } from '../loadgen/clock.js';
import { createHistogram, record } from '../results/histogram.js';
import { measureAndReport, memoryBaseline } from './client-loop-report.js';

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
const baseline = memoryBaseline();
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

function measure(): Promise<never> {
  const stop = () => {
    for (const t of timers) clearInterval(t);
    for (const ws of sockets) ws.terminate();
  };
  return measureAndReport({ counts, baseline, clients: a.clients, seconds: a.seconds, hist, stop });
}
