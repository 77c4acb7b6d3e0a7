// The server's own WebSocket layer (server/ws/) on real sockets, apart from the chat core: the
// handshake, masking, frames split anywhere, fragmentation, control frames and the closing
// handshake. The chat-level behaviour (1007, 1009, fuzzing) is covered by the conformance and
// fuzz tests on every variant.
import { createServer, type Server } from 'node:http';
import { connect, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from './helpers/until.js';
import { completeUpgrade } from '../server/ws/handshake.js';
import { BINARY, ServerWebSocket, type WsMessage } from '../server/ws/server-web-socket.js';
import type { WsProtocolError } from '../server/ws/client-frames.js';
import { SharedFrame } from '../protocol/ws-frame.js';
import { RawWs, encodeFrame } from './fuzz/raw-ws.js';

const MAX = 1000;

interface Seen {
  messages: WsMessage[];
  errors: WsProtocolError[];
  pongs: number;
  closed: number | undefined;
  ws: ServerWebSocket | undefined;
  onMessage?: () => void;
}

let server: Server | undefined;
const upgraded = new Set<Socket>();
afterEach(async () => {
  for (const s of upgraded) s.destroy(); // upgraded sockets are no longer the HTTP server's
  upgraded.clear();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
});

/** An HTTP server whose upgrades become ServerWebSockets that echo every text message back. */
async function echoServer(): Promise<{ port: number; seen: Seen }> {
  const seen: Seen = { messages: [], errors: [], pongs: 0, closed: undefined, ws: undefined };
  server = createServer((_req, res) => res.end());
  server.on('upgrade', (req, socket, head) => {
    upgraded.add(socket as Socket);
    if (!completeUpgrade(req, socket as never)) return;
    const ws = new ServerWebSocket(socket as never, MAX);
    seen.ws = ws;
    ws.handler = {
      message(_ws, m: WsMessage) {
        seen.messages.push(m);
        seen.onMessage?.();
        if (m !== BINARY) ws.send(m);
      },
      error: (_ws, e: WsProtocolError) => seen.errors.push(e),
      pong: () => seen.pongs++,
      close: (_ws, code: number) => (seen.closed = code),
    };
    ws.begin(head);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return { port: (server.address() as { port: number }).port, seen };
}

const MASK = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);

/** The raw HTTP answer to an upgrade request with these header lines. */
function upgradeAnswer(port: number, lines: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    let text = '';
    s.on('data', (d) => (text += d.toString('latin1')));
    s.on('close', () => resolve(text));
    s.on('error', reject);
    s.write(`GET / HTTP/1.1\r\nHost: x\r\n${lines}\r\n`);
  });
}

describe('server WebSocket', () => {
  it('refuses a bad upgrade with 400 and says why', async () => {
    const { port } = await echoServer();
    const noKey = await upgradeAnswer(port, 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n');
    expect(noKey).toMatch(/^HTTP\/1.1 400 /);
    expect(noKey).toContain('Sec-WebSocket-Key');
    const badVersion = await upgradeAnswer(port, 'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 12\r\n');
    expect(badVersion).toMatch(/^HTTP\/1.1 400 /);
    expect(badVersion).toContain('Sec-WebSocket-Version: 13');
  });

  it('answers the RFC 6455 sample key with its accept value, and the first subprotocol offered', async () => {
    const { port } = await echoServer();
    const s = connect({ host: '127.0.0.1', port });
    const text = await new Promise<string>((resolve) => {
      s.once('data', (d) => resolve(d.toString('latin1')));
      s.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: chat, superchat\r\n\r\n');
    });
    s.destroy();
    expect(text).toMatch(/^HTTP\/1.1 101 /);
    expect(text).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo='); // RFC 6455 §1.3
    expect(text).toContain('Sec-WebSocket-Protocol: chat\r\n');
  });

  it('unmasks text, reads frames split at every byte and many frames in one write', async () => {
    const { port, seen } = await echoServer();
    const c = await RawWs.open(port, 't');
    const frames = ['hello', 'ünïcødé ✓', 'x'.repeat(300)].map((t) => encodeFrame(Buffer.from(t), { opcode: 0x1, mask: MASK }));
    for (const byte of frames[0]!) c.socket.write(Buffer.from([byte])); // one byte per write
    await until(() => seen.messages.length === 1);
    c.socket.write(Buffer.concat([frames[1]!, frames[2]!]));
    expect(await c.waitTexts(3)).toBe(true);
    expect(seen.messages).toEqual(['hello', 'ünïcødé ✓', 'x'.repeat(300)]);
    expect(c.texts).toEqual(seen.messages);
    c.destroy();
  });

  it('emits one message per turn of the event loop when a read holds many, in order', async () => {
    const { port, seen } = await echoServer();
    const turns: number[] = [];
    let turn = 0;
    let ticking = true;
    const tick = () => {
      turn++;
      if (ticking) setImmediate(tick);
    };
    tick();
    const c = await RawWs.open(port, 't');
    await until(() => seen.ws !== undefined);
    seen.onMessage = () => turns.push(turn);
    const texts = Array.from({ length: 20 }, (_, i) => `m${i}`);
    c.socket.write(Buffer.concat(texts.map((t) => encodeFrame(Buffer.from(t), { opcode: 0x1, mask: MASK }))));
    expect(await c.waitTexts(20)).toBe(true);
    ticking = false;
    expect(seen.messages).toEqual(texts);
    expect(new Set(turns).size).toBe(20); // no two in one turn
    // a flood of 300 fragments in one write is read 64 frames a turn, and still makes its message
    c.socket.write(Buffer.concat(Array.from({ length: 300 }, (_, i) => encodeFrame(Buffer.from('f'), { opcode: i === 0 ? 0x1 : 0x0, fin: i === 299, mask: MASK }))));
    expect(await c.waitTexts(21)).toBe(true);
    expect(seen.messages[20]).toBe('f'.repeat(300));
    c.destroy();
  });

  it('joins a fragmented message (with a ping between its fragments), and binary frames are reported as such', async () => {
    const { port, seen } = await echoServer();
    const c = await RawWs.open(port, 't');
    c.send(Buffer.from('frag'), { opcode: 0x1, fin: false, mask: MASK });
    c.send(Buffer.from('ping!'), { opcode: 0x9, mask: MASK });
    c.send(Buffer.from('men'), { opcode: 0x0, fin: false, mask: MASK });
    c.send(Buffer.from('ted'), { opcode: 0x0, mask: MASK });
    c.send(Buffer.from([1, 2, 3]), { opcode: 0x2, mask: MASK });
    expect(await c.waitTexts(1)).toBe(true);
    await until(() => seen.messages.length === 2 && c.pongs.length === 1);
    expect(seen.messages).toEqual(['fragmented', BINARY]);
    expect(c.pongs.map(String)).toEqual(['ping!']); // the ping's payload comes back in the pong
    c.destroy();
  });

  it('writes a shared frame as it is, reports pongs, and bufferedBytes counts what the socket holds', async () => {
    const { port, seen } = await echoServer();
    const c = await RawWs.open(port, 't');
    await until(() => seen.ws !== undefined);
    seen.ws!.send(new SharedFrame('{"type":"msg"}'));
    expect(await c.waitTexts(1)).toBe(true);
    expect(c.texts[0]).toBe('{"type":"msg"}');
    c.send(Buffer.alloc(0), { opcode: 0xa, mask: MASK });
    expect(await until(() => seen.pongs === 1)).toBe(true);
    expect(seen.ws!.bufferedBytes()).toBe(0);
    c.destroy();
  });

  it('echoes a close frame and ends; the close event carries the peer code', async () => {
    const { port, seen } = await echoServer();
    const c = await RawWs.open(port, 't');
    const payload = Buffer.from([0x0f, 0xa0, 0x62, 0x79, 0x65]); // 4000 "bye"
    c.send(payload, { opcode: 0x8, mask: MASK });
    expect(await c.waitEnd()).toBe(true);
    expect(c.closeCode).toBe(4000);
    expect(await until(() => seen.closed !== undefined)).toBe(true);
    expect(seen.closed).toBe(4000);
  });

  it('server close: sends the code, waits for the peer close frame, then ends', async () => {
    const { port, seen } = await echoServer();
    const c = await RawWs.open(port, 't');
    await until(() => seen.ws !== undefined);
    seen.ws!.close(4008, 'slow consumer');
    await until(() => c.closeCode !== undefined);
    expect(c.closeCode).toBe(4008);
    seen.ws!.send('after close'); // refused: nothing goes out after a close frame
    expect(c.ended).toBe(false); // still waiting for our close frame
    c.send(Buffer.from([0x0f, 0xa8]), { opcode: 0x8, mask: MASK });
    expect(await c.waitEnd()).toBe(true);
    expect(await until(() => seen.closed !== undefined)).toBe(true);
    expect(seen.closed).toBe(4008);
    expect(c.texts).toEqual([]);
  });

  it.each([
    ['a close frame of 1 byte', Buffer.from([3]), 1002],
    ['close code 1005 on the wire', Buffer.from([0x03, 0xed]), 1002],
    ['close code 2999', Buffer.from([0x0b, 0xb7]), 1002],
    ['a close reason that is not UTF-8', Buffer.from([0x03, 0xe8, 0xff]), 1007],
  ])('answers %s with %i', async (_what, payload, code) => {
    const { port, seen } = await echoServer();
    const c = await RawWs.open(port, 't');
    c.send(payload, { opcode: 0x8, mask: MASK });
    expect(await c.waitEnd()).toBe(true);
    expect(c.closeCode).toBe(code);
    expect(seen.errors.map((e) => e.closeCode)).toEqual([code]);
  });

  it('refuses a message whose fragments together pass the limit, before their bytes arrive', async () => {
    const { port, seen } = await echoServer();
    const c = await RawWs.open(port, 't');
    c.send(Buffer.alloc(600, 0x61), { opcode: 0x1, fin: false, mask: MASK });
    c.socket.write(encodeFrame(Buffer.alloc(0), { opcode: 0x0, declaredLength: 600, mask: MASK })); // announces 600 more, sends none
    expect(await c.waitEnd()).toBe(true);
    expect(c.closeCode).toBe(1009);
    expect(seen.messages).toEqual([]);
  });

  it('drops the socket when the peer ends TCP without a close frame: close event 1006', async () => {
    const { port, seen } = await echoServer();
    const c = await RawWs.open(port, 't');
    await until(() => seen.ws !== undefined);
    c.socket.end();
    expect(await until(() => seen.closed !== undefined)).toBe(true);
    expect(seen.closed).toBe(1006);
  });
});
