// A raw WebSocket client for the fuzzer: it sends frames no well-behaved library would (invalid
// UTF-8, reserved bits and opcodes, unmasked, endless fragments) and reads the server's text
// frames and close code. Server frames are unmasked and never fragmented by our server.
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface FrameBits {
  opcode: number;
  fin?: boolean; // default true
  rsv?: number; // 0–7, the RSV1-3 bits
  masked?: boolean; // default true (clients must mask)
  declaredLength?: number; // announce another length than the payload's
  mask?: Buffer; // the 4-byte masking key (default all zero: the payload goes as is)
}

export function encodeFrame(payload: Buffer, b: FrameBits): Buffer {
  const len = b.declaredLength ?? payload.length;
  const masked = b.masked ?? true;
  const head = len < 126 ? 2 : len < 65_536 ? 4 : 10;
  const out = Buffer.alloc(head + (masked ? 4 : 0) + payload.length);
  out[0] = ((b.fin ?? true) ? 0x80 : 0) | ((b.rsv ?? 0) << 4) | b.opcode;
  const m = masked ? 0x80 : 0;
  if (len < 126) out[1] = m | len;
  else if (len < 65_536) {
    out[1] = m | 126;
    out.writeUInt16BE(len, 2);
  } else {
    out[1] = m | 127;
    out.writeBigUInt64BE(BigInt(len), 2);
  }
  const at = head + (masked ? 4 : 0);
  payload.copy(out, at);
  if (masked && b.mask) {
    b.mask.copy(out, head);
    for (let i = 0; i < payload.length; i++) out[at + i] = payload[i]! ^ b.mask[i & 3]!;
  }
  return out;
}

export class RawWs {
  readonly texts: string[] = [];
  readonly pongs: Buffer[] = [];
  closeCode: number | undefined; // from the server's close frame
  ended = false;
  private buf: Buffer = Buffer.alloc(0);
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {}

  /** Connect and complete the upgrade (token on the URL), or reject. */
  static open(port: number, token: string, timeoutMs = 5000): Promise<RawWs> {
    return new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port });
      const key = randomBytes(16).toString('base64');
      const ws = new RawWs(socket);
      const timer = setTimeout(() => {
        socket.destroy();
        reject(new Error('upgrade timed out'));
      }, timeoutMs);
      let head = Buffer.alloc(0);
      const onData = (chunk: Buffer) => {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        socket.off('data', onData);
        clearTimeout(timer);
        const text = head.toString('latin1', 0, end);
        const accept = createHash('sha1').update(key + GUID).digest('base64');
        if (!text.startsWith('HTTP/1.1 101') || !text.includes(accept)) {
          socket.destroy();
          return reject(new Error(`upgrade refused: ${text.split('\r\n')[0]}`));
        }
        socket.on('data', (d: Buffer) => ws.onData(d));
        ws.onData(head.subarray(end + 4));
        resolve(ws);
      };
      socket.on('data', onData);
      socket.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      socket.on('close', () => {
        ws.ended = true;
        ws.wake();
      });
      socket.write(`GET /?token=${token} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
    });
  }

  send(payload: Buffer | string, bits: FrameBits = { opcode: 0x1 }): void {
    if (!this.socket.writable) return;
    this.socket.write(encodeFrame(typeof payload === 'string' ? Buffer.from(payload) : payload, bits));
  }

  /** Wait until `n` text frames have arrived, the connection ended, or the timeout passed. */
  async waitTexts(n: number, timeoutMs = 5000): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (this.texts.length < n && !this.ended && Date.now() < until) await this.next(until - Date.now());
    return this.texts.length >= n;
  }

  /** Wait for the connection to end (server close frame or TCP close). */
  async waitEnd(timeoutMs = 5000): Promise<boolean> {
    const until = Date.now() + timeoutMs;
    while (!this.ended && Date.now() < until) await this.next(until - Date.now());
    return this.ended;
  }

  destroy(): void {
    this.socket.destroy();
  }

  private next(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, Math.max(1, ms));
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private onData(d: Buffer): void {
    this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
    for (;;) {
      if (this.buf.length < 2) break;
      let len = this.buf[1]! & 0x7f;
      let head = 2;
      if (len === 126) {
        if (this.buf.length < 4) break;
        len = this.buf.readUInt16BE(2);
        head = 4;
      } else if (len === 127) {
        if (this.buf.length < 10) break;
        len = Number(this.buf.readBigUInt64BE(2));
        head = 10;
      }
      if (this.buf.length < head + len) break;
      const opcode = this.buf[0]! & 0x0f;
      const payload = this.buf.subarray(head, head + len);
      if (opcode === 0x1) this.texts.push(payload.toString('utf8'));
      else if (opcode === 0x8) this.closeCode = len >= 2 ? payload.readUInt16BE(0) : 1005;
      else if (opcode === 0x9) this.send(Buffer.from(payload), { opcode: 0xa }); // the server's heartbeat
      else if (opcode === 0xa) this.pongs.push(Buffer.from(payload));
      this.buf = this.buf.subarray(head + len);
    }
    this.wake();
  }
}
