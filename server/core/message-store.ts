// The core's port for persistence (implementations: server/store/). `append` is asynchronous by
// design (group commit): the store calls `sink.committed` or `sink.failed` for each message once
// its transaction has finished.
import type { StoredMessage } from '../../protocol/frames.js';

export interface CommitSink {
  committed(m: StoredMessage): void;
  failed(m: StoredMessage, err: Error): void;
}

export interface MessageStore {
  /** False when nothing is kept (--persist none): a commit is then no more than the append. */
  readonly durable: boolean;
  /** The highest seq stored for the room, 0 when none. */
  lastSeq(room: string): number;
  append(m: StoredMessage, sink: CommitSink): void;
  /** Up to `limit` messages with seq < before (all when before is undefined), oldest first. */
  history(room: string, limit: number, before?: number): StoredMessage[];
  /** Commit what is pending now (shutdown). */
  flush(): void;
  close(): void;
}
