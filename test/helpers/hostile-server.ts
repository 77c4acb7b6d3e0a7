// A raw-TCP "chat server" that completes the WebSocket upgrade, answers `ready` and `joined`, then
// misbehaves in one chosen way: the generator must record it, bound its memory and time, and end
// with a result. Each behaviour is what a broken or hostile server we did not write might send.
import { createHash } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';

export type Hostility =
  | 'huge-seq' // a msg with seq 2^53 − 1, and one with 400 digits
  | 'seq-gaps' // every delivery skips seqs (thousands of separate gaps per receiver)
  | 'huge-frame' // a frame announcing 2^40 bytes
  | 'reserved-opcode' // a frame with opcode 0x3
  | 'binary-flood' // 1,000 binary frames
  | 'wrong-types' // msg and ack frames whose fields have the wrong JSON types
  | 'silent' // joins, then never acks nor delivers
  | 'refuse-all' // answers every say with an error frame carrying its ref
  | 'http-500' // the upgrade answered 500
  | 'no-upgrade' // the upgrade never answered
  | 'weird-http' // plain GETs (/metrics, /healthz) answered with 101 and then silence
  | 'joined-no-seq' // `joined` without a seq: a server that is only protocol-like
  | 'own-msg'; // sends a sender its own message as `msg` (as io.to(room) does), then the ack

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

function frame(opcode: number, payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const len = body.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, len]) : Buffer.from([0x80 | opcode, 126, len >> 8, len & 0xff]);
  return Buffer.concat([head, body]);
}
const text = (s: string) => frame(0x1, s);

/** Client frames (masked) out of a byte stream: returns the text payloads and the rest. */
function readFrames(buf: Buffer): { texts: string[]; rest: Buffer } {
  const texts: string[] = [];
  let off = 0;
  while (buf.length - off >= 6) {
    let len = buf[off + 1]! & 0x7f;
    let head = 2;
    if (len === 126) {
      if (buf.length - off < 8) break;
      len = buf.readUInt16BE(off + 2);
      head = 4;
    }
    const size = head + 4 + len;
    if (buf.length - off < size) break;
    const mask = buf.subarray(off + head, off + head + 4);
    const payload = Buffer.from(buf.subarray(off + head + 4, off + size));
    for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i % 4]!;
    if ((buf[off]! & 0x0f) === 0x1) texts.push(payload.toString('utf8'));
    off += size;
  }
  return { texts, rest: buf.subarray(off) };
}

export class HostileServer {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private seq = 0;
  port = 0;

  constructor(readonly mode: Hostility) {
    this.server = createServer((s) => this.accept(s));
  }

  async start(): Promise<string> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as { port: number }).port;
    return `ws://127.0.0.1:${this.port}/`;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  private accept(s: Socket): void {
    this.sockets.add(s);
    s.on('close', () => this.sockets.delete(s));
    s.on('error', () => s.destroy());
    let buf = Buffer.alloc(0);
    let upgraded = false;
    let user = 'x';
    s.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (!upgraded) {
        const end = buf.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buf.toString('latin1', 0, end);
        buf = buf.subarray(end + 4);
        const key = /sec-websocket-key:\s*(\S+)/i.exec(head)?.[1];
        // the user's name, from the token's claims (own-msg sends it back as `from`)
        const claims = /authorization: bearer [^.]+\.([^.]+)\./i.exec(head)?.[1];
        user = claims ? (JSON.parse(Buffer.from(claims, 'base64url').toString()) as { sub: string }).sub : 'x';
        if (!key) return this.plainHttp(s);
        if (this.mode === 'no-upgrade') return;
        if (this.mode === 'http-500') return void s.end('HTTP/1.1 500 Internal Server Error\r\ncontent-length: 0\r\n\r\n');
        const accept = createHash('sha1').update(key + GUID).digest('base64');
        s.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
        s.write(text('{"type":"ready","user":"u","conn":"c","protocol":1}'));
        upgraded = true;
      }
      const { texts, rest } = readFrames(buf);
      buf = Buffer.from(rest);
      for (const t of texts) this.onText(s, JSON.parse(t) as { type: string; room?: string; id?: number; ts?: string }, user);
    });
  }

  private plainHttp(s: Socket): void {
    if (this.mode === 'weird-http') return void s.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: nonsense\r\nConnection: Upgrade\r\n\r\n');
    s.end('HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
  }

  private onText(s: Socket, f: { type: string; room?: string; id?: number; ts?: string }, user: string): void {
    if (f.type === 'join') {
      if (this.mode === 'joined-no-seq') return void s.write(text(`{"type":"joined","room":"${f.room}","members":1}`));
      s.write(text(`{"type":"joined","room":"${f.room}","members":1,"seq":0}`));
      if (this.mode === 'huge-frame') s.write(Buffer.from([0x81, 127, 0, 0, 1, 0, 0, 0, 0, 0])); // 2^40 bytes announced
      if (this.mode === 'reserved-opcode') s.write(frame(0x3, 'x'));
      if (this.mode === 'binary-flood') for (let i = 0; i < 1000; i++) s.write(frame(0x2, Buffer.alloc(16)));
      return;
    }
    if (f.type !== 'say') return;
    const ts = JSON.stringify(f.ts);
    switch (this.mode) {
      case 'silent':
        return;
      case 'refuse-all':
        return void s.write(text(`{"type":"error","code":"TOO_LARGE","message":"no","ref":${f.id}}`));
      case 'huge-seq':
        s.write(text(`{"type":"msg","room":"${f.room}","from":"x","id":1,"seq":9007199254740991,"ts":${ts},"body":"x"}`));
        s.write(text(`{"type":"msg","room":"${f.room}","from":"x","id":2,"seq":${'9'.repeat(400)},"ts":${ts},"body":"x"}`));
        return void s.write(text(`{"type":"ack","id":${f.id},"room":"${f.room}","seq":9007199254740990}`));
      case 'own-msg':
        // a room of one: every message is the sender's own, sent back before its ack
        this.seq++;
        s.write(text(`{"type":"msg","room":"${f.room}","from":"${user}","id":${f.id},"seq":${this.seq},"ts":${ts},"body":"x"}`));
        return void s.write(text(`{"type":"ack","id":${f.id},"room":"${f.room}","seq":${this.seq}}`));
      case 'seq-gaps':
        this.seq += 2; // every other seq never comes
        return void s.write(text(`{"type":"msg","room":"${f.room}","from":"x","id":1,"seq":${this.seq},"ts":${ts},"body":"x"}`));
      case 'wrong-types':
        s.write(text(`{"type":"msg","room":"${f.room}","from":"x","id":1,"seq":"5","ts":${ts},"body":"x"}`));
        s.write(text(`{"type":"msg","room":"${f.room}","from":"x","id":1,"seq":7,"ts":12,"body":"x"}`));
        s.write(text(`{"type":"joined","room":"${f.room}","seq":"x"}`));
        s.write(text('null'));
        return void s.write(text(`{"type":"ack","id":${f.id},"room":"${f.room}","seq":null}`));
      default:
        return void s.write(text(`{"type":"ack","id":${f.id},"room":"${f.room}","seq":${++this.seq}}`));
    }
  }
}
