// The server side of the WebSocket opening handshake (RFC 6455 §4.2), on the socket Node's HTTP
// server hands over with its 'upgrade' event. A request that is not a valid version-13 upgrade
// gets 400 and the socket is closed; no extension is negotiated (no permessage-deflate: the chat
// frames are small and compression would cost more CPU than it saves on loopback).
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { websocketAccept } from '../../protocol/ws-frame.js';

const KEY = /^[+/0-9A-Za-z]{22}==$/; // 16 random bytes, base64

/** Why a request is not an acceptable upgrade, or undefined when it is. */
function upgradeProblem(req: IncomingMessage): string | undefined {
  if (req.method !== 'GET') return 'an upgrade must be a GET';
  if (req.headers.upgrade?.toLowerCase() !== 'websocket') return 'Upgrade header is not "websocket"';
  if (!KEY.test(req.headers['sec-websocket-key'] ?? '')) return 'missing or invalid Sec-WebSocket-Key';
  const version = req.headers['sec-websocket-version'];
  if (version !== '13' && version !== '8') return 'missing or unsupported Sec-WebSocket-Version (13 expected)';
  return undefined;
}

/** Answer a valid upgrade with 101 (true), anything else with 400 (false). The first subprotocol
 * a client offers is accepted, as `ws` does when no protocol handler is set. */
export function completeUpgrade(req: IncomingMessage, socket: Socket): boolean {
  if (!socket.readable || !socket.writable) {
    socket.destroy();
    return false;
  }
  const problem = upgradeProblem(req);
  if (problem) {
    socket.end(`HTTP/1.1 400 Bad Request\r\nConnection: close\r\nSec-WebSocket-Version: 13\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(problem)}\r\n\r\n${problem}`);
    return false;
  }
  const accept = websocketAccept(req.headers['sec-websocket-key']!);
  const protocol = req.headers['sec-websocket-protocol']?.split(',')[0]?.trim();
  socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n${protocol ? `Sec-WebSocket-Protocol: ${protocol}\r\n` : ''}\r\n`);
  return true;
}
