// Stores behind the core's MessageStore port (server/core/message-store.ts).
import type { StoredMessage } from '../../protocol/frames.js';
import type { CommitSink, MessageStore } from '../core/message-store.js';


/** --persist none: nothing stored, acks right away, no history. */
export class NullStore implements MessageStore {
  readonly durable = false;
  lastSeq(): number {
    return 0;
  }
  append(m: StoredMessage, sink: CommitSink): void {
    sink.committed(m);
  }
  history(): StoredMessage[] {
    return [];
  }
  flush(): void {}
  close(): void {}
}
