// The chat core with no I/O around it, for fast unit tests: a transport that records what the
// core sends, a store that commits when told, a verifier that takes "good:<user>" tokens.
import { pino } from 'pino';
import type { StoredMessage } from '../../protocol/frames.js';
import { ChatCore, type Publisher } from '../../server/core/chat-core.js';
import { CORE_DEFAULTS, type CoreConfig } from '../../server/core/core-config.js';
import type { IpCounter } from '../../server/core/ip-counter.js';
import type { CommitSink, MessageStore } from '../../server/core/message-store.js';
import type { Session } from '../../server/core/session.js';
import type { TokenVerifier, VerifyResult } from '../../server/core/token-verifier.js';
import type { Transport } from '../../server/core/transport.js';
import type { OutFrame } from '../../protocol/ws-frame.js';

export class FakeTransport implements Transport {
  readonly sent: Record<string, unknown>[] = [];
  buffered = 0;
  closedWith: number | undefined;
  terminated = false;
  private drain: (() => void)[] = [];

  send(data: OutFrame): void {
    this.sent.push(JSON.parse(typeof data === 'string' ? data : data.text) as Record<string, unknown>);
  }
  bufferedBytes(): number {
    return this.buffered;
  }
  onceDrain(listener: () => void): void {
    this.drain.push(listener);
  }
  close(code: number): void {
    this.closedWith = code;
  }
  terminate(): void {
    this.terminated = true;
  }
  ping(): void {}
  /** The socket took everything: run the drain listeners. */
  drained(): void {
    this.buffered = 0;
    const d = this.drain;
    this.drain = [];
    for (const f of d) f();
  }
  of(type: string): Record<string, unknown>[] {
    return this.sent.filter((f) => f.type === type);
  }
}

/** Commits only when told, so a test sees what happens before and after the durable ack. */
export class ManualStore implements MessageStore {
  readonly durable = true;
  readonly stored: StoredMessage[] = [];
  private pending: [StoredMessage, CommitSink][] = [];
  lastSeq(room: string): number {
    return Math.max(0, ...this.stored.filter((m) => m.room === room).map((m) => m.seq));
  }
  append(m: StoredMessage, sink: CommitSink): void {
    this.pending.push([m, sink]);
  }
  history(room: string, limit: number): StoredMessage[] {
    return this.stored.filter((m) => m.room === room).slice(-limit);
  }
  flush(): void {
    const p = this.pending;
    this.pending = [];
    for (const [m, sink] of p) {
      this.stored.push(m);
      sink.committed(m);
    }
  }
  close(): void {}
}

/** Tokens "good:<user>" pass; the answer waits until `release()` when `hold` is set. */
export class FakeVerifier implements TokenVerifier {
  hold = false;
  private waiting: (() => void)[] = [];
  verify(token: string): Promise<VerifyResult> {
    const result: VerifyResult = token.startsWith('good:') ? { ok: true, claims: { sub: token.slice(5), exp: 2e9 } } : { ok: false, reason: 'bad signature' };
    if (!this.hold) return Promise.resolve(result);
    return new Promise((resolve) => this.waiting.push(() => resolve(result)));
  }
  release(): void {
    const w = this.waiting;
    this.waiting = [];
    for (const f of w) f();
  }
}


export function fakeCore(config: Partial<CoreConfig> = {}, o: { publisher?: Publisher; ipCounter?: IpCounter; prefix?: string } = {}) {
  const store = new ManualStore();
  const verifier = new FakeVerifier();
  const core = new ChatCore({ ...CORE_DEFAULTS, ...config }, store, pino({ level: 'silent' }), verifier, o.prefix, o.publisher, o.ipCounter);
  /** A connection authenticated on the upgrade (as the generator connects). */
  const connect = (user: string): { s: Session; t: FakeTransport } => {
    const t = new FakeTransport();
    const s = core.open(t, '127.0.0.1', { sub: user, exp: 2e9 });
    return { s, t };
  };
  return { core, store, verifier, connect };
}

/** Let promise continuations and immediates run. */
export const settle = () => new Promise((r) => setImmediate(r));
