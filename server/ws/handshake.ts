// The server side of the WebSocket opening handshake (RFC 6455 §4.2), on a socket whose request
// head the front door (or Node's HTTP server, for an upgrade on a kept-alive connection) has read.
// A request that is not a valid version-13 upgrade
// gets 400 and the socket is closed; no extension is negotiated (no permessage-deflate: the chat
// frames are small and compression would cost more CPU than it saves on loopback).
import type { Socket } from 'node:net';
import { websocketAccept } from '../../protocol/ws-frame.js';
import { hasToken, type RequestHead } from './request-head.js';

const KEY = /^[+/0-9A-Za-z]{22}==$/; // 16 random bytes, base64

/** Why a request is not an acceptable upgrade, or undefined when it is. */
function upgradeProblem(req: RequestHead): string | undefined {
  if (req.method !== 'GET') return 'an upgrade must be a GET';
  if (!hasToken(req.headers.upgrade, 'websocket')) return 'Upgrade header is not "websocket"';
  if (!hasToken(req.headers.connection, 'upgrade')) return 'Connection header does not hold "Upgrade"';
  if (!KEY.test(header(req, 'sec-websocket-key') ?? '')) return 'missing or invalid Sec-WebSocket-Key';
  const version = header(req, 'sec-websocket-version');
  if (version !== '13' && version !== '8') return 'missing or unsupported Sec-WebSocket-Version (13 expected)';
  return undefined;
}

/** Answer a valid upgrade with 101 (true), anything else with 400 (false). The first subprotocol
 * a client offers is accepted, as `ws` does when no protocol handler is set. */
export function completeUpgrade(req: RequestHead, socket: Socket): boolean {
  if (!socket.readable || !socket.writable) {
    socket.destroy();
    return false;
  }
  const problem = upgradeProblem(req);
  if (problem) {
    refuseUpgrade(socket, `HTTP/1.1 400 Bad Request\r\nConnection: close\r\nSec-WebSocket-Version: 13\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(problem)}\r\n\r\n${problem}`);
    return false;
  }
  const accept = websocketAccept(header(req, 'sec-websocket-key')!);
  const protocol = header(req, 'sec-websocket-protocol')?.split(',')[0]?.trim();
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n${protocol ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : ''}\r\n`);
  return true;
}

function header(req: RequestHead, name: string): string | undefined {
  const v = req.headers[name];
  return typeof v === 'string' ? v : undefined;
}

/** Answer and close: the rest of what the client sends is read and dropped, so that its end is
 * seen and the socket closes (it may have been handed over paused). */
export function refuseUpgrade(socket: Socket, response: string): void {
  socket.on('error', destroy); // a reset now must not go unhandled
  socket.end(response);
  socket.resume();
}

function destroy(this: Socket): void {
  this.destroy();
}
