// A Socket.IO chat server, the stack people run, as a subject beside the reference server: rooms
// joined with an event, `io.to(room).emit` broadcasts (to the sender too, as Socket.IO does), and
// optionally several nodes sharing rooms through Redis with the Pub/Sub adapter or the Streams
// adapter. Events: "join room" (room, ack) and "chat message" ({room, text}, ack) → "chat message"
// ({room, text, from}) to the room. Fault injection for measurement tests: --drop P drops a share
// of broadcasts, --duplicate P emits a share twice; GET /stats counts the deliveries that did.
//   node dist/bench/servers/socketio-chat.js [--port 0] [--redis URL --adapter pubsub|streams]
//        [--drop 0.01] [--duplicate 0.005] [--seed 1] [--ping-interval MS] [--token SECRET]
import { createServer } from 'node:http';
import { Redis } from 'ioredis';
import { Server, type Socket } from 'socket.io';
import { createAdapter as pubsubAdapter } from '@socket.io/redis-adapter';
import { createAdapter as streamsAdapter } from '@socket.io/redis-streams-adapter';
import { FaultDice, flags } from './fault-dice.js';

const f = flags(process.argv.slice(2));
const dice = new FaultDice(Number(f.drop ?? 0), Number(f.duplicate ?? 0), Number(f.seed ?? 1));
const http = createServer((req, res) => {
  if (!dice.serve(req, res)) res.writeHead(404).end();
});
const io = new Server(http, {
  serveClient: false,
  transports: ['websocket'],
  ...(f['ping-interval'] ? { pingInterval: Number(f['ping-interval']), pingTimeout: Number(f['ping-timeout'] ?? 5000) } : {}),
});

if (f.redis) {
  // the adapters' own Redis connections; their errors are the adapter's to ride out (a restart)
  const quiet = (r: Redis) => r.on('error', () => {});
  if (f.adapter === 'streams') io.adapter(streamsAdapter(quiet(new Redis(f.redis))));
  else {
    const pub = quiet(new Redis(f.redis));
    io.adapter(pubsubAdapter(pub, quiet(pub.duplicate())));
  }
}

if (f.token) {
  // a namespace middleware: a CONNECT without the right auth token is refused (a connect error)
  io.use((socket, next) => (socket.handshake.auth?.token === f.token ? next() : next(new Error('not authorized'))));
}

type Ack = ((...args: unknown[]) => void) | undefined;

io.on('connection', (socket: Socket) => {
  socket.on('join room', (room: unknown, ack: Ack) => {
    if (typeof room !== 'string') return;
    void socket.join(room);
    ack?.({ ok: true });
  });
  socket.on('chat message', (m: { room?: unknown; text?: unknown } | undefined, ack: Ack) => {
    if (typeof m?.room !== 'string' || typeof m.text !== 'string') return;
    const out = { room: m.room, text: m.text, from: socket.id };
    broadcast(m.room, out);
    ack?.({ ok: true });
  });
});

function broadcast(room: string, out: unknown): void {
  const fate = dice.roll();
  dice.counts.broadcasts++;
  if (fate !== 'drop') io.to(room).emit('chat message', out);
  if (fate === 'duplicate') io.to(room).emit('chat message', out);
  if (fate !== 'send') void countFault(room, fate);
}

/** What a fault did to receivers: every member of the room but the sender, on every node
 * (counted after the emit, so a faulty broadcast leaves in the same order as the others). */
async function countFault(room: string, fate: 'drop' | 'duplicate'): Promise<void> {
  const receivers = (await io.in(room).fetchSockets()).length - 1;
  if (fate === 'drop') dice.counts.dropped += receivers;
  else dice.counts.duplicated += receivers;
}

http.listen(Number(f.port ?? 0), '127.0.0.1', () => {
  const a = http.address() as { port: number };
  console.log(`socketio-chat listening on http://127.0.0.1:${a.port} pid ${process.pid}`);
});
process.on('SIGTERM', () => process.exit(0));
