// Callback style: EventEmitter listeners and an explicit per-connection state machine
// (awaiting-auth → ready → closed). Listeners are module-level functions; per-connection state
// lives in the session, reached through the socket.
import { CloseCode } from '../../protocol/errors.js';
import type { ChatCore } from '../core/chat-core.js';
import { SessionState, type Session } from '../core/session.js';
import { bindSession, coreOf, sessionOf, type ConnectionContext } from '../connection.js';
import { BINARY, type ServerWebSocket, type WsMessage } from '../ws/server-web-socket.js';
import type { ServerConfig } from '../config.js';
import { startOnHost } from '../host.js';
import type { RunningServer } from '../running-server.js';

export const start = (config: ServerConfig): Promise<RunningServer> => startOnHost(config, handleConnection);

const kAuthTimer = Symbol('chatbench.authTimer');
type WithTimer = Session & { [kAuthTimer]?: NodeJS.Timeout };

export function handleConnection({ core, ws, ip, claims }: ConnectionContext): void {
  const session = core.open(ws, ip, claims) as WithTimer;
  bindSession(ws, core, session);
  ws.on('message', onMessage);
  ws.on('close', onClose);
  if (session.state === SessionState.AwaitingAuth) {
    session[kAuthTimer] = setTimeout(onAuthTimeout, core.config.authTimeoutMs, ws);
  }
}

function onMessage(this: ServerWebSocket, message: WsMessage): void {
  const core = coreOf(this);
  const session = sessionOf(this) as WithTimer;
  try {
    dispatch(core, session, message);
  } catch (err) {
    failed(core, session, err);
  }
}

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

function onAuthTimeout(ws: ServerWebSocket): void {
  const session = sessionOf(ws);
  if (session.state === SessionState.AwaitingAuth) coreOf(ws).authTimedOut(session);
}

function onClose(this: ServerWebSocket, code: number): void {
  const session = sessionOf(this) as WithTimer;
  clearTimeout(session[kAuthTimer]);
  coreOf(this).closed(session, code);
}
