// Coroutine style: one linear async function per connection, like the seed article's
// handle_connection: authenticate (with a deadline), then read frames in a loop until the socket
// closes. The connection's state is where the function is suspended.
import { CloseCode } from '../../protocol/errors.js';
import { SessionState, type Session } from '../core/session.js';
import type { ChatCore } from '../core/chat-core.js';
import { bindSession, type ConnectionContext } from '../connection.js';
import type { ServerConfig } from '../config.js';
import { startOnHost } from '../host.js';
import type { RunningServer } from '../running-server.js';
import { BINARY } from '../ws/server-web-socket.js';
import { FrameReader } from './frame-reader.js';

export const start = (config: ServerConfig): Promise<RunningServer> => startOnHost(config, handleConnection);

export function handleConnection(ctx: ConnectionContext): void {
  void run(ctx);
}

async function run({ core, ws, ip, claims }: ConnectionContext): Promise<void> {
  const frames = new FrameReader(ws);
  const session = core.open(ws, ip, claims);
  bindSession(ws, core, session);
  try {
    if (session.state === SessionState.AwaitingAuth && !(await authenticate(core, session, frames))) return;
    for await (const frame of frames) {
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

const TIMED_OUT = Symbol('timed out');

/** Read frames until a good `auth` arrives, the deadline passes, or the socket closes. */
async function authenticate(core: ChatCore, session: Session, frames: FrameReader): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(resolve, core.config.authTimeoutMs, TIMED_OUT);
  });
  try {
    while (true) {
      const next = await Promise.race([frames.next(), deadline]);
      if (next === TIMED_OUT) {
        core.authTimedOut(session);
        return false;
      }
      if (next.done) return false;
      if (next.value === BINARY) {
        core.binary(session);
        continue;
      }
      const outcome = await core.authenticate(session, next.value); // frames wait in the reader meanwhile
      if (outcome !== 'waiting') return outcome === 'ready';
    }
  } finally {
    clearTimeout(timer);
  }
}
