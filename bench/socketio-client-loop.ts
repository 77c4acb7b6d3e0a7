// What one socket.io-client per virtual user costs (the way Artillery's and Locust's Socket.IO
// users work), for `npm run bench:loadgen`: N clients of the official client against the Socket.IO
// subject (bench/servers/socketio-chat.ts), the same rooms and rates as the generator's rows, a
// timestamp in each message and an HDR histogram; it reports its own CPU and memory per client.
import { io, type Socket } from 'socket.io-client';
import * as hdr from 'hdr-histogram-js';
import { costOf, spent } from './proc-cost.js';

interface Args {
  url: string;
  clients: number;
  roomSize: number;
  sendersPerRoom: number;
  rate: number;
  seconds: number;
  bodyBytes: number;
}

const a = JSON.parse(process.argv[2]!) as Args;
const nowUs = () => Number(process.hrtime.bigint() / 1000n);
const hist = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
const counts = { sent: 0, delivered: 0, acks: 0 };
const body = 'x'.repeat(a.bodyBytes);
const collectGarbage = (globalThis as { gc?: () => void }).gc;
collectGarbage?.();
const baseline = process.memoryUsage();
const sockets: Socket[] = [];
const timers: NodeJS.Timeout[] = [];
let joined = 0;

for (let i = 0; i < a.clients; i++) {
  const room = `s${Math.floor(i / a.roomSize)}`;
  const socket = io(a.url, { transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(socket);
  socket.on('chat message', (m: { text?: string }) => {
    const at = nowUs();
    const t = m.text ?? '';
    const c1 = t.indexOf(':');
    if (Number(t.slice(0, c1)) === i) return; // our own, reflected
    counts.delivered++;
    const ts = Number(t.slice(c1 + 1, t.indexOf(':', c1 + 1)));
    if (ts > 0) hist.recordValue(Math.max(1, at - ts));
  });
  socket.on('connect', () => {
    socket.emit('join room', room, () => {
      if (i % a.roomSize < a.sendersPerRoom && a.rate > 0) {
        timers.push(
          setInterval(() => {
            socket.emit('chat message', { room, text: `${i}:${nowUs()}:${body}` }, () => counts.acks++);
            counts.sent++;
          }, 1000 / a.rate),
        );
      }
      if (++joined === a.clients) void measure();
    });
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
      p99Ms: hist.totalCount ? hist.getValueAtPercentile(99) / 1000 : NaN,
    }) + '\n',
  );
  for (const s of sockets) s.disconnect();
  process.exit(0);
}
