// What a variant's connection handler receives, and the listeners every variant attaches the same
// way. Listeners are module-level functions reaching state through the socket: no closures per
// connection.
import type { TokenClaims } from '../protocol/token.js';
import type { ChatCore } from './core/chat-core.js';
import type { Session } from './core/session.js';
import type { ServerWebSocket } from './ws/server-web-socket.js';
import type { WsProtocolError } from './ws/client-frames.js';

export interface ConnectionContext {
  core: ChatCore;
  /** The WebSocket, also the session's Transport. */
  ws: ServerWebSocket;
  ip: string;
  /** Claims from a token given on the upgrade request (then no `auth` frame is needed). */
  claims: TokenClaims | undefined;
}

export type ConnectionHandler = (ctx: ConnectionContext) => void;

const kSession = Symbol('chatbench.session');
const kCore = Symbol('chatbench.core');
type Tagged = ServerWebSocket & { [kSession]?: Session; [kCore]?: ChatCore };

/** Tie a socket to its session and attach the listeners all variants share (pong, error). */
export function bindSession(ws: ServerWebSocket, core: ChatCore, s: Session): void {
  (ws as Tagged)[kSession] = s;
  (ws as Tagged)[kCore] = core;
  ws.on('pong', onPong);
  ws.on('error', onError);
}

export function sessionOf(ws: ServerWebSocket): Session {
  return (ws as Tagged)[kSession]!;
}

export function coreOf(ws: ServerWebSocket): ChatCore {
  return (ws as Tagged)[kCore]!;
}

function onPong(this: ServerWebSocket): void {
  sessionOf(this).awaitingPong = false;
}

function onError(this: ServerWebSocket, err: WsProtocolError): void {
  // a protocol violation (1002, 1007 invalid UTF-8, 1009 too big …): the socket sends the close
  // frame itself, and the 'close' event that follows releases the session
  coreOf(this).logConn(sessionOf(this), 'info', 'websocket error', { err: err.message, code: err.code });
}
