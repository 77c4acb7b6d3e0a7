// Server pings: one sweep timer for all connections (no timer per connection). A connection is
// pinged every --ping-interval and terminated when its pong is more than --ping-timeout late.
import type { ChatCore } from './core/chat-core.js';

export const HEARTBEAT_CLOSE_CODE = 1006; // terminated: no closing handshake with a dead peer

export class Heartbeat {
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly core: ChatCore) {
    const { pingIntervalMs, pingTimeoutMs } = core.config;
    const every = Math.max(50, Math.min(pingIntervalMs, pingTimeoutMs) / 4);
    this.timer = setInterval(() => this.sweep(), every);
    this.timer.unref();
  }

  private sweep(): void {
    const now = performance.now();
    const { pingIntervalMs, pingTimeoutMs } = this.core.config;
    for (const s of this.core.sessions.values()) {
      if (s.awaitingPong) {
        if (now - s.pingSentAt > pingTimeoutMs) {
          this.core.logConn(s, 'info', 'heartbeat timeout');
          s.transport.terminate();
          this.core.closed(s, HEARTBEAT_CLOSE_CODE);
        }
      } else if (now - s.pingSentAt >= pingIntervalMs) {
        s.pingSentAt = now;
        s.awaitingPong = true;
        s.transport.ping();
      }
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
