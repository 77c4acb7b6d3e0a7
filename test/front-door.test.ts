// The front door (server/ws/front-door.ts) on real sockets: upgrades read without Node's HTTP
// parser, in any number of pieces and with frames behind the head; everything else reaches the
// HTTP server byte for byte, including an upgrade on a kept-alive connection; heads that never
// end are dropped.
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { connect, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from './helpers/until.js';
import { createFrontDoor } from '../server/ws/front-door.js';
import type { RequestHead } from '../server/ws/request-head.js';
import { completeUpgrade } from '../server/ws/handshake.js';

let door: Server | undefined;
let http: HttpServer | undefined;
const sockets = new Set<Socket>();
afterEach(async () => {
  for (const s of sockets) s.destroy();
  sockets.clear();
  http?.closeAllConnections();
  await new Promise<void>((r) => (door ? door.close(() => r()) : r()));
});

interface Upgrade {
  req: RequestHead;
  rest: string;
  via: 'front door' | 'http';
}

/** A front door whose upgrades answer 101 and record what came with them; HTTP requests get their
 * method, url and body echoed. */
async function start(headersTimeoutMs = 5000): Promise<{ port: number; upgrades: Upgrade[] }> {
  const upgrades: Upgrade[] = [];
  http = createHttpServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => res.end(`${req.method} ${req.url} ${body}`));
  });
  const onUpgrade = (via: Upgrade['via']) => (req: RequestHead, socket: Socket, rest: Buffer) => {
    sockets.add(socket);
    const u: Upgrade = { req, rest: rest.toString(), via };
    upgrades.push(u);
    if (!completeUpgrade(req, socket)) return;
    socket.on('data', (d: Buffer) => (u.rest += d.toString()));
    socket.resume();
  };
  http.on('upgrade', onUpgrade('http'));
  door = createFrontDoor(http, onUpgrade('front door'), headersTimeoutMs);
  await new Promise<void>((r) => door!.listen(0, '127.0.0.1', r));
  http.emit('listening');
  return { port: (door.address() as { port: number }).port, upgrades };
}

const UPGRADE = 'GET /chat?token=t HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: keep-alive, Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nX-Twice: a\r\nx-twice: b\r\n\r\n';

/** Write `pieces` one by one (a turn of the event loop apart) and collect the answer until close. */
function exchange(port: number, pieces: string[], until?: (text: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: '127.0.0.1', port });
    sockets.add(s);
    let text = '';
    s.on('data', (d) => {
      text += d.toString('latin1');
      if (until?.(text)) resolve(text);
    });
    s.on('close', () => resolve(text));
    s.on('error', reject);
    void (async () => {
      for (const p of pieces) {
        s.write(p);
        await new Promise((r) => setTimeout(r, 2));
      }
    })();
  });
}

describe('front door', () => {
  it('reads an upgrade head in pieces, joins repeated headers, and hands over the bytes behind it', async () => {
    const { port, upgrades } = await start();
    const pieces = [...UPGRADE.slice(0, 40)].concat(UPGRADE.slice(40) + 'after-the-head');
    const answer = await exchange(port, pieces, (t) => t.includes('\r\n\r\n'));
    expect(answer).toMatch(/^HTTP\/1.1 101 /);
    expect(answer).toContain('Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    expect(await until(() => upgrades[0]?.rest === 'after-the-head')).toBe(true);
    expect(upgrades[0]!.via).toBe('front door');
    expect(upgrades[0]!.req).toMatchObject({ method: 'GET', url: '/chat?token=t' });
    expect(upgrades[0]!.req.headers['x-twice']).toBe('a, b');
  });

  it('hands requests that are not upgrades to the HTTP server byte for byte', async () => {
    const { port, upgrades } = await start();
    const post = await exchange(port, ['POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello']);
    expect(post).toMatch(/^HTTP\/1.1 200 /);
    expect(post).toMatch(/POST \/login hello$/);
    // a GET in pieces, without an Upgrade header
    const get = await exchange(port, ['G', 'ET /metr', 'ics HTTP/1.1\r\nHost: x\r\n', 'Connection: close\r\n\r\n']);
    expect(get).toMatch(/GET \/metrics $/);
    expect(upgrades).toEqual([]);
  });

  it('lets Node answer what it does not parse itself: folded headers, a head over 16 KiB', async () => {
    const { port, upgrades } = await start();
    const folded = await exchange(port, ['GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\n  folded\r\n\r\n']);
    expect(folded).toMatch(/^HTTP\/1.1 400 /);
    const huge = await exchange(port, [`GET / HTTP/1.1\r\nUpgrade: websocket\r\nX-Big: ${'a'.repeat(17_000)}\r\n\r\n`]);
    expect(huge).toMatch(/^HTTP\/1.1 431 /);
    expect(upgrades).toEqual([]);
  });

  it('passes an upgrade on a kept-alive HTTP connection through Node', async () => {
    const { port, upgrades } = await start();
    const s = connect({ host: '127.0.0.1', port });
    sockets.add(s);
    let text = '';
    s.on('data', (d) => (text += d.toString('latin1')));
    s.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n');
    expect(await until(() => text.endsWith('GET /healthz '))).toBe(true);
    expect(text).toMatch(/^HTTP\/1.1 200 /);
    s.write(UPGRADE);
    expect(await until(() => text.includes('101 Switching') && upgrades.length === 1)).toBe(true);
    expect(upgrades[0]!.via).toBe('http');
  });

  it('refuses an upgrade without Connection: Upgrade with 400 and the reason', async () => {
    const { port } = await start();
    const answer = await exchange(port, [UPGRADE.replace('keep-alive, Upgrade', 'keep-alive')]);
    expect(answer).toMatch(/^HTTP\/1.1 400 /);
    expect(answer).toContain('Connection header');
  });

  it('drops a connection whose head does not end in time', async () => {
    const { port } = await start(300);
    const started = Date.now();
    // a byte every 100 ms keeps the socket busy but the head never ends
    const s = connect({ host: '127.0.0.1', port });
    sockets.add(s);
    s.on('error', () => {});
    const timer = setInterval(() => s.write('X'), 100);
    s.write('GET / HTTP/1.1\r\n');
    await new Promise((r) => s.on('close', r));
    clearInterval(timer);
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(300);
    expect(took).toBeLessThan(3000);
  });
});
