// What one socket.io-client per virtual user costs (the way Artillery's and Locust's Socket.IO
// users work), for `npm run bench:loadgen`: N clients of the official client against the Socket.IO
// subject (bench/servers/socketio-chat.ts), the same rooms and rates as the generator's rows, a
// timestamp in each message and an HDR histogram; it reports its own CPU and memory per client.
import { io, type Socket } from 'socket.io-client';
import * as hdr from 'hdr-histogram-js';
import { ClientLoop, type LoopArgs } from './client-loop.js';

const a = JSON.parse(process.argv[2]!) as LoopArgs;
const nowUs = () => Number(process.hrtime.bigint() / 1000n);
const hist = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: 3, useWebAssembly: false });
const body = 'x'.repeat(a.bodyBytes);
const sockets: Socket[] = [];
const loop = new ClientLoop(a, hist, () => {
  for (const s of sockets) s.disconnect();
});
const counts = loop.counts;

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
    socket.emit('join room', room, () =>
      loop.joined(i, () => {
        socket.emit('chat message', { room, text: `${i}:${nowUs()}:${body}` }, () => counts.acks++);
        counts.sent++;
      }),
    );
  });
}
