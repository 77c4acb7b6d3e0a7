// The null relay for `npm run bench:truth`: the least a chat relay can do on this machine. Raw
// net.Socket, a hand-made upgrade, and each client text frame unmasked and written, as it came, to
// the other members of the room named in the upgrade's query (`/?room=NAME`). No JSON, no ready,
// no join, no ack, no seq: its send → receive time is this machine's loopback round trip through
// one Node process, the floor under any chat server's e2e latency.
//   node dist/bench/servers/null-relay.js   (prints "listening on http://127.0.0.1:PORT")
import { createServer, type Socket } from 'node:net';
import { frameHeader, unmask } from '../../server/ws/client-frames.js';
import { allocTextFrame, websocketAccept } from '../../protocol/ws-frame.js';

const EMPTY = Buffer.alloc(0);
const rooms = new Map<string, Set<Relay>>();

class Relay {
  private buf: Buffer = EMPTY;
  private members: Set<Relay> | undefined;

  constructor(readonly socket: Socket) {}

  data(chunk: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    if (!this.members && !this.upgrade()) return;
    let off = 0;
    for (;;) {
      const h = frameHeader(this.buf, off, false);
      if (typeof h === 'number') break;
      if (h instanceof Error) return void this.socket.destroy();
      const end = off + h.headerBytes + h.payloadBytes;
      if (end > this.buf.length) break;
      if (h.opcode === 0x8) return void this.socket.end(Buffer.from([0x88, 0]));
      if (h.opcode === 0x1) this.forward(off, h.headerBytes, h.payloadBytes);
      off = end;
    }
    this.buf = off === this.buf.length ? EMPTY : Buffer.from(this.buf.subarray(off));
  }

  /** The upgrade head, answered; false until it is complete. */
  private upgrade(): boolean {
    const end = this.buf.indexOf('\r\n\r\n');
    if (end < 0) return false;
    const head = this.buf.toString('latin1', 0, end);
    const key = /^sec-websocket-key:\s*(\S+)/im.exec(head)?.[1];
    const room = /^GET [^ ?]*\?(?:[^ ]*&)?room=([^ &]+)/.exec(head)?.[1];
    if (!key || !room) {
      this.socket.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n');
      return false;
    }
    this.socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${websocketAccept(key)}\r\n\r\n`);
    let members = rooms.get(room);
    if (!members) rooms.set(room, (members = new Set()));
    members.add(this);
    this.members = members;
    this.buf = this.buf.subarray(end + 4);
    return true;
  }

  /** One server frame (unmasked, same payload) written to every other member. */
  private forward(off: number, headerBytes: number, payloadBytes: number): void {
    const out = allocTextFrame(payloadBytes);
    const payload = out.subarray(out.length - payloadBytes);
    this.buf.copy(payload, 0, off + headerBytes, off + headerBytes + payloadBytes);
    unmask(payload, this.buf, off + headerBytes - 4);
    for (const m of this.members!) if (m !== this) m.socket.write(out);
  }

  closed(): void {
    this.members?.delete(this);
  }
}

const server = createServer((socket) => {
  socket.setNoDelay(true);
  const r = new Relay(socket);
  socket.on('data', (d: Buffer) => r.data(d));
  socket.on('close', () => r.closed());
  socket.on('error', () => socket.destroy());
});
server.listen(0, '127.0.0.1', () => {
  const a = server.address() as { port: number };
  console.log(`null-relay listening on http://127.0.0.1:${a.port} pid ${process.pid}`);
});
process.on('SIGTERM', () => process.exit(0));
