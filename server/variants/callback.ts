// Callback style: the socket's events arrive as callbacks, and an explicit per-connection state
// machine (awaiting-auth → ready → closed) decides what each means. The callbacks are one object
// per chat core; per-connection state lives in the session, reached through the socket.
import { CloseCode } from '../../protocol/errors.js';
import type { ChatCore } from '../core/chat-core.js';
import { SessionState, type Session } from '../core/session.js';
import { commonCallbacks, perCore, type ConnectionContext } from '../connection.js';
import { BINARY, type ServerWebSocket, type WsHandler, type WsMessage } from '../ws/server-web-socket.js';
import type { ServerConfig } from '../config.js';
import { startOnHost } from '../host.js';
import type { RunningServer } from '../running-server.js';

export const start = (config: ServerConfig): Promise<RunningServer> => startOnHost(config, handleConnection);

const kAuthTimer = Symbol('chatbench.authTimer');
type WithTimer = Session & { [kAuthTimer]?: NodeJS.Timeout };

export function handleConnection({ core, ws, ip, claims }: ConnectionContext): void {
  const session = core.open(ws, ip, claims) as WithTimer;
  ws.owner = session;
  ws.handler = handlerFor(core);
  if (session.state === SessionState.AwaitingAuth) {
    session[kAuthTimer] = setTimeout(onAuthTimeout, core.config.authTimeoutMs, core, session);
  }
}

const sessionOf = (ws: ServerWebSocket) => ws.owner as WithTimer;

const handlerFor = perCore(
  (core): WsHandler => ({
    ...commonCallbacks(core, sessionOf),
    message(ws, message) {
      const session = sessionOf(ws);
      try {
        dispatch(core, session, message);
      } catch (err) {
        failed(core, session, err);
      }
    },
    close(ws, code) {
      const session = sessionOf(ws);
      clearTimeout(session[kAuthTimer]);
      core.closed(session, code);
    },
  }),
);

/** A bug in handling one frame closes that connection, never the server. */
function failed(core: ChatCore, session: Session, err: unknown): void {
  core.log.error({ conn: session.id, user: session.user || undefined, err }, 'connection handler failed');
  core.disconnect(session, CloseCode.INTERNAL_ERROR, 'internal error');
}

function dispatch(core: ChatCore, session: WithTimer, message: WsMessage): void {
  switch (session.state) {
    case SessionState.AwaitingAuth: {
      if (message === BINARY) return core.binary(session);
      core.authenticate(session, message).then(
        (outcome) => {
          if (outcome !== 'waiting') clearTimeout(session[kAuthTimer]);
        },
        (err: unknown) => failed(core, session, err),
      );
      return;
    }
    case SessionState.Authenticating: // the core keeps frames until the token is verified
    case SessionState.Ready:
      if (message === BINARY) return core.binary(session);
      return core.handle(session, message);
    case SessionState.Closed:
      return; // frames racing the close: ignored
  }
}

function onAuthTimeout(core: ChatCore, session: Session): void {
  if (session.state === SessionState.AwaitingAuth) core.authTimedOut(session);
}
