// What a variant's connection handler receives, and the listeners every variant attaches the same
// way. Listeners are module-level functions reaching state through the socket (as ws does): no
// closures per connection.
import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';
import type { TokenClaims } from '../protocol/token.js';
import type { ChatCore } from './core/chat-core.js';
import type { Session } from './core/session.js';

export interface ConnectionContext {
  core: ChatCore;
  ws: WebSocket;
  socket: Socket;
  ip: string;
  /** Claims from a token given on the upgrade request (then no `auth` frame is needed). */
  claims: TokenClaims | undefined;
}

export type ConnectionHandler = (ctx: ConnectionContext) => void;

const kSession = Symbol('chatbench.session');
const kCore = Symbol('chatbench.core');
type Tagged = WebSocket & { [kSession]?: Session; [kCore]?: ChatCore };

/** Tie a socket to its session and attach the listeners all variants share (pong, error). */
export function bindSession(ws: WebSocket, core: ChatCore, s: Session): void {
  (ws as Tagged)[kSession] = s;
  (ws as Tagged)[kCore] = core;
  ws.on('pong', onPong);
  ws.on('error', onError);
}

export function sessionOf(ws: WebSocket): Session {
  return (ws as Tagged)[kSession]!;
}

export function coreOf(ws: WebSocket): ChatCore {
  return (ws as Tagged)[kCore]!;
}

function onPong(this: WebSocket): void {
  sessionOf(this).awaitingPong = false;
}

function onError(this: WebSocket, err: Error & { code?: string }): void {
  // ws closes the socket itself after a protocol error (1007 invalid UTF-8, 1009 too big, …);
  // the 'close' event that follows releases the session.
  coreOf(this).logConn(sessionOf(this), 'info', 'websocket error', { err: err.message, code: err.code });
}
