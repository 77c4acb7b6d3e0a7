// The plain `ws` chat server for `npm run bench:server`: the server most people would write with
// ws — a WebSocketServer, JSON.parse per frame, ws.send of the JSON string to each member (ws
// encodes and frames it per member). Protocol v1's chat subset; no auth, storage or limits.
//   node dist/bench/servers/plain-ws.js
import { WebSocketServer, type WebSocket } from 'ws';

interface Room {
  seq: number;
  members: Set<WebSocket>;
}

const rooms = new Map<string, Room>();
let next = 0;
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false, clientTracking: false }, () => {
  const a = wss.address() as { port: number };
  console.log(`plain-ws listening on http://127.0.0.1:${a.port} pid ${process.pid}`);
});
wss.on('connection', (ws) => {
  const user = `u${next++}`;
  const mine: Room[] = [];
  ws.send(JSON.stringify({ type: 'ready', user, conn: user, protocol: 1 }));
  ws.on('message', (data) => {
    const f = JSON.parse(String(data)) as { type: string; room: string; id?: unknown; body?: string; ts?: unknown };
    if (f.type === 'join') {
      let room = rooms.get(f.room);
      if (!room) rooms.set(f.room, (room = { seq: 0, members: new Set() }));
      room.members.add(ws);
      mine.push(room);
      ws.send(JSON.stringify({ type: 'joined', room: f.room, members: room.members.size, seq: room.seq }));
    } else if (f.type === 'say') {
      const room = rooms.get(f.room);
      if (!room) return;
      const seq = ++room.seq;
      const msg = JSON.stringify({ type: 'msg', room: f.room, from: user, id: f.id, seq, ts: f.ts, body: f.body });
      for (const m of room.members) if (m !== ws) m.send(msg);
      ws.send(JSON.stringify({ type: 'ack', id: f.id, room: f.room, seq }));
    }
  });
  ws.on('close', () => {
    for (const r of mine) r.members.delete(ws);
  });
});
process.on('SIGTERM', () => process.exit(0));
