// The baseline for `npm run bench:loadgen`: the client loop most people would write — one `ws`
// WebSocket per client, JSON.parse on every frame, a timer per sender, latency into
// hdr-histogram-js. It speaks the chat protocol and reports its own CPU and memory.
import WebSocket from 'ws';
import { encodeJoin, encodeSay } from '../protocol/frames.js';
import { signToken } from '../protocol/token.js';
import { monoUs } from '../loadgen/clock.js';
import { createHistogram, record } from '../results/histogram.js';
import { ClientLoop, type LoopArgs } from './client-loop.js';

const a = JSON.parse(process.argv[2]!) as LoopArgs & { secret: string };
const hist = createHistogram();
const body = 'x'.repeat(a.bodyBytes);
const sockets: WebSocket[] = [];
const loop = new ClientLoop(a, hist, () => {
  for (const ws of sockets) ws.terminate();
});
const counts = loop.counts;

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
    else if (f.type === 'joined') loop.joined(i, () => ws.send(encodeSay(room, counts.sent++, body, monoUs())));
  });
}
