// The floor for `npm run bench:server`: what Node itself needs to run this chat protocol. Raw
// net.Socket, a hand-made upgrade, one JSON.parse per client frame, and for each `say` ONE framed
// Buffer written to every other member's socket. No auth, storage, limits, heartbeats, logs or
// metrics: nothing a real server may skip, so no server can be cheaper per delivery than this.
//   node dist/bench/servers/floor.js   (prints "listening on http://127.0.0.1:PORT")
import { createServer, type Socket } from 'node:net';
import { frameText, websocketAccept } from '../../protocol/ws-frame.js';


interface Room {
  seq: number;
  members: Set<Conn>;
}

const rooms = new Map<string, Room>();
let connections = 0;

const EMPTY = Buffer.alloc(0);

// Lean on purpose, or it is no floor: a connection keeps no bytes between reads when none are
// pending (a kept subarray would hold its whole read buffer), and its rooms array has exactly
// the slots it uses.
class Conn {
  private buf: Buffer = EMPTY;
  private upgraded = false;
  rooms: readonly Room[] = [];

  constructor(
    readonly socket: Socket,
    readonly user: string,
  ) {}

  data(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    if (!this.upgraded) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.buf.subarray(0, end).toString('latin1');
      this.buf = this.buf.subarray(end + 4);
      const key = /^sec-websocket-key:\s*(\S+)/im.exec(head)?.[1];
      if (!key) return void this.socket.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
      const accept = websocketAccept(key);
      this.socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      this.upgraded = true;
      connections++;
      if (this.buf.length === 0) this.buf = EMPTY;
      this.socket.write(frameText(JSON.stringify({ type: 'ready', user: this.user, conn: this.user, protocol: 1 })));
    }
    this.frames();
  }

  /** Client frames are masked (RFC 6455 §5.3); text frames only, close and ping answered. */
  private frames(): void {
    while (this.buf.length >= 6) {
      const b = this.buf;
      const opcode = b[0]! & 0x0f;
      let len = b[1]! & 0x7f;
      let at = 2;
      if (len === 126) {
        if (b.length < 8) return;
        len = b.readUInt16BE(2);
        at = 4;
      } else if (len === 127) {
        if (b.length < 14) return;
        len = Number(b.readBigUInt64BE(2));
        at = 10;
      }
      if (b.length < at + 4 + len) return;
      const mask = b.subarray(at, at + 4);
      const payload = Buffer.from(b.subarray(at + 4, at + 4 + len));
      for (let i = 0; i < len; i++) payload[i]! ^= mask[i & 3]!;
      this.buf = b.subarray(at + 4 + len);
      if (opcode === 1) this.text(payload.toString());
      else if (opcode === 8) return void this.socket.end(Buffer.from([0x88, 0]));
      else if (opcode === 9) this.socket.write(Buffer.concat([Buffer.from([0x8a, len]), payload]));
    }
    if (this.buf.length === 0) this.buf = EMPTY;
  }

  private text(s: string): void {
    const f = JSON.parse(s) as { type: string; room: string; id?: unknown; body?: string; ts?: unknown };
    if (f.type === 'join') {
      let room = rooms.get(f.room);
      if (!room) rooms.set(f.room, (room = { seq: 0, members: new Set() }));
      room.members.add(this);
      this.rooms = this.rooms.concat(room);
      this.socket.write(frameText(JSON.stringify({ type: 'joined', room: f.room, members: room.members.size, seq: room.seq })));
    } else if (f.type === 'say') {
      const room = rooms.get(f.room);
      if (!room) return;
      const seq = ++room.seq;
      const wire = frameText(JSON.stringify({ type: 'msg', room: f.room, from: this.user, id: f.id, seq, ts: f.ts, body: f.body }));
      for (const m of room.members) if (m !== this) m.socket.write(wire);
      this.socket.write(frameText(JSON.stringify({ type: 'ack', id: f.id, room: f.room, seq })));
    }
  }

  closed(): void {
    if (this.upgraded) connections--;
    for (const r of this.rooms) r.members.delete(this);
  }
}

let next = 0;
const server = createServer((socket) => {
  socket.setNoDelay(true);
  const c = new Conn(socket, `u${next++}`);
  socket.on('data', (d: Buffer) => c.data(d));
  socket.on('close', () => c.closed());
  socket.on('error', () => socket.destroy());
});
server.listen(0, '127.0.0.1', () => {
  const a = server.address() as { port: number };
  console.log(`floor listening on http://127.0.0.1:${a.port} pid ${process.pid}`);
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGUSR2', () => console.log(`connections ${connections}`));
