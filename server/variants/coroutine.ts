// Coroutine style: one linear async function per connection, like the seed article's
// handle_connection: authenticate (with a deadline), then read frames in a loop until the socket
// closes. The connection's state is where the function is suspended.
import { CloseCode } from '../../protocol/errors.js';
import { SessionState, type Session } from '../core/session.js';
import type { ChatCore } from '../core/chat-core.js';
import { commonCallbacks, perCore, type ConnectionContext } from '../connection.js';
import type { ServerConfig } from '../config.js';
import { startOnHost } from '../host.js';
import type { RunningServer } from '../running-server.js';
import { BINARY, type ServerWebSocket, type WsHandler } from '../ws/server-web-socket.js';
import { END, FrameReader } from './frame-reader.js';

export const start = (config: ServerConfig): Promise<RunningServer> => startOnHost(config, handleConnection);

export function handleConnection({ core, ws, ip, claims }: ConnectionContext): void {
  const frames = new FrameReader(ws);
  const session = core.open(ws, ip, claims);
  frames.session = session;
  ws.owner = frames;
  ws.handler = handlerFor(core);
  void run(core, session, frames);
}

async function run(core: ChatCore, session: Session, frames: FrameReader): Promise<void> {
  try {
    if (session.state === SessionState.AwaitingAuth && !(await authenticate(core, session, frames))) return;
    for (let frame = await frames.read(); frame !== END; frame = await frames.read()) {
      if (frame === BINARY) core.binary(session);
      else core.handle(session, frame);
    }
  } catch (err) {
    core.log.error({ conn: session.id, user: session.user || undefined, err }, 'connection handler failed');
    core.disconnect(session, CloseCode.INTERNAL_ERROR, 'internal error');
  } finally {
    core.closed(session, frames.closeCode);
  }
}

const readerOf = (ws: ServerWebSocket) => ws.owner as FrameReader;

const handlerFor = perCore(
  (core): WsHandler => ({
    ...commonCallbacks(core, (ws) => readerOf(ws).session!),
    message: (ws, message) => readerOf(ws).push(message),
    close: (ws, code) => readerOf(ws).end(code),
  }),
);

const TIMED_OUT = Symbol('timed out');

/** Read frames until a good `auth` arrives, the deadline passes, or the socket closes. */
async function authenticate(core: ChatCore, session: Session, frames: FrameReader): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, core.config.authTimeoutMs, TIMED_OUT);
  });
  try {
    while (true) {
      const frame = await Promise.race([frames.read(), deadline]);
      if (frame === TIMED_OUT) {
        core.authTimedOut(session);
        return false;
      }
      if (frame === END) return false;
      if (frame === BINARY) {
        core.binary(session);
        continue;
      }
      const outcome = await core.authenticate(session, frame); // frames wait in the reader meanwhile
      if (outcome !== 'waiting') return outcome === 'ready';
    }
  } finally {
    clearTimeout(timer);
  }
}
