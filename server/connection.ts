// What a variant's connection handler receives, and the callbacks every variant shares. A
// variant's WsHandler is made once per chat core (it closes over the core) and shared by all its
// connections; per-connection state is reached through the socket's `owner`: no closures and no
// listener tables per connection.
import type { TokenClaims } from '../protocol/token.js';
import type { ChatCore } from './core/chat-core.js';
import type { Session } from './core/session.js';
import type { ServerWebSocket, WsHandler } from './ws/server-web-socket.js';

export interface ConnectionContext {
  core: ChatCore;
  /** The WebSocket, also the session's Transport. */
  ws: ServerWebSocket;
  ip: string;
  /** Claims from a token given on the upgrade request (then no `auth` frame is needed). */
  claims: TokenClaims | undefined;
}

export type ConnectionHandler = (ctx: ConnectionContext) => void;

/** The pong and protocol-error callbacks, for the session `sessionOf` finds from a socket. */
export function commonCallbacks(core: ChatCore, sessionOf: (ws: ServerWebSocket) => Session): Pick<WsHandler, 'pong' | 'error'> {
  return {
    pong(ws) {
      sessionOf(ws).awaitingPong = false;
    },
    error(ws, err) {
      // a protocol violation (1002, 1007 invalid UTF-8, 1009 too big …): the socket sends the
      // close frame itself, and the close callback that follows releases the session
      core.logConn(sessionOf(ws), 'info', 'websocket error', { err: err.message, code: err.code });
    },
  };
}

/** `make(core)` once per chat core, on first use. */
export function perCore<T extends object>(make: (core: ChatCore) => T): (core: ChatCore) => T {
  const made = new WeakMap<ChatCore, T>();
  return (core) => {
    let value = made.get(core);
    if (!value) made.set(core, (value = make(core)));
    return value;
  };
}
