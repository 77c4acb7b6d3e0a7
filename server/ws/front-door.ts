// The listening socket. A new connection's request head is read here: a well-formed GET with an
// Upgrade header goes to `upgrade` without Node's HTTP parser, anything else is handed to the
// HTTP server with the bytes read so far put back, as if it had accepted the connection itself.
// Why: Node's HTTP server costs ≈ 0.4 ms of CPU per upgrade on a 200-client run (its parser,
// IncomingMessage, the hand-over of the socket; measured with the floor server of bench:server
// behind it), as much as the rest of a chat connect.
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import type { Server as HttpServer } from 'node:http';
import { MAX_HEAD_BYTES, parseRequestHead, type RequestHead } from './request-head.js';

export type UpgradeHandler = (req: RequestHead, socket: Socket, rest: Buffer) => void;

const END = Buffer.from('\r\n\r\n');
const GET = Buffer.from('GET ');

/** A net.Server in front of `http`. A head that has not arrived within `headersTimeoutMs` (checked
 * every second, as Node's HTTP server does, but only while some head is being read: an idle
 * server is not woken for it) drops the connection. */
export function createFrontDoor(http: HttpServer, upgrade: UpgradeHandler, headersTimeoutMs: number): NetServer {
  const reading = new Map<Socket, number>(); // connections whose head is incomplete: since when
  let sweep: NodeJS.Timeout | undefined;
  const check = () => {
    const now = performance.now();
    for (const [socket, since] of reading) {
      if (now - since > headersTimeoutMs) {
        reading.delete(socket);
        socket.destroy();
      }
    }
    if (reading.size === 0) {
      clearInterval(sweep);
      sweep = undefined;
    }
  };

  const toHttp = (socket: Socket, read: Buffer | undefined) => {
    // paused while the HTTP server attaches its listeners, so nothing is emitted to no one
    socket.pause();
    if (read) socket.unshift(read);
    http.emit('connection', socket);
    socket.resume();
  };

  // half-open as Node's HTTP server: a client that ends its side after a request still gets the answer
  const server = createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
    let read: Buffer | undefined;
    reading.set(socket, performance.now());
    if (!sweep) (sweep = setInterval(check, 1000)).unref();
    const done = () => {
      reading.delete(socket);
      socket.off('data', onData);
      socket.off('error', onError);
      socket.off('close', onClose);
    };
    const onError = () => socket.destroy();
    const onClose = () => reading.delete(socket);
    const onData = (chunk: Buffer) => {
      const from = read ? Math.max(0, read.length - 3) : 0;
      read = read ? Buffer.concat([read, chunk]) : chunk;
      // not a GET: no WebSocket upgrade; Node's parser takes it from the first byte
      if (!startsLikeGet(read)) {
        done();
        return toHttp(socket, read);
      }
      const end = read.indexOf(END, from);
      if (end < 0 && read.length <= MAX_HEAD_BYTES) return;
      done();
      if (end < 0 || end > MAX_HEAD_BYTES) return toHttp(socket, read); // Node answers 431
      const req = parseRequestHead(read.toString('latin1', 0, end));
      if (!req || req.headers.upgrade === undefined) return toHttp(socket, read);
      socket.pause(); // until the WebSocket's listeners are on (ServerWebSocket.begin resumes it)
      upgrade(req, socket, read.subarray(end + END.length));
    };
    socket.on('data', onData);
    socket.on('error', onError);
    socket.on('close', onClose);
  });
  server.on('close', () => clearInterval(sweep));
  return server;
}

function startsLikeGet(b: Buffer): boolean {
  for (let i = 0; i < GET.length && i < b.length; i++) if (b[i] !== GET[i]) return false;
  return true;
}
