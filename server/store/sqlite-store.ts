// SQLite persistence (better-sqlite3, WAL) with group commit: messages wait a few milliseconds (or
// until a batch fills) and are inserted in one transaction, off the fan-out path.
import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import type { StoredMessage } from '../../protocol/frames.js';
import type { CommitSink, MessageStore } from '../core/message-store.js';

interface Row {
  room: string;
  seq: number;
  sender: string;
  msg_id: string;
  ts: string | null;
  body: string;
}

export interface SqliteStoreOptions {
  path: string;
  sync: 'full' | 'normal' | 'off';
  commitIntervalMs: number;
  commitBatch: number;
}

export class SqliteStore implements MessageStore {
  readonly durable = true;
  private readonly db: Database.Database;
  private readonly insert: Database.Statement;
  private readonly maxSeq: Database.Statement;
  private readonly recent: Database.Statement;
  private readonly before: Database.Statement;
  private readonly insertAll: (batch: StoredMessage[]) => void;
  private pending: StoredMessage[] = [];
  private sinks: CommitSink[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly flushBound = () => this.flush();

  constructor(private readonly opts: SqliteStoreOptions) {
    this.db = openDatabase(opts.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${opts.sync.toUpperCase()}`);
    this.db.pragma('busy_timeout = 5000');
    this.db.exec(`CREATE TABLE IF NOT EXISTS messages (
      room TEXT NOT NULL, seq INTEGER NOT NULL, sender TEXT NOT NULL, msg_id TEXT NOT NULL,
      ts TEXT, body TEXT NOT NULL, PRIMARY KEY (room, seq)) WITHOUT ROWID`);
    this.insert = this.db.prepare('INSERT INTO messages (room, seq, sender, msg_id, ts, body) VALUES (?, ?, ?, ?, ?, ?)');
    this.maxSeq = this.db.prepare('SELECT MAX(seq) AS seq FROM messages WHERE room = ?');
    this.recent = this.db.prepare('SELECT * FROM messages WHERE room = ? ORDER BY seq DESC LIMIT ?');
    this.before = this.db.prepare('SELECT * FROM messages WHERE room = ? AND seq < ? ORDER BY seq DESC LIMIT ?');
    this.insertAll = this.db.transaction((batch: StoredMessage[]) => {
      for (const m of batch) {
        this.insert.run(m.room, m.seq, m.from, JSON.stringify(m.id), m.ts === undefined ? null : JSON.stringify(m.ts), m.body);
      }
    });
  }

  lastSeq(room: string): number {
    const row = this.maxSeq.get(room) as { seq: number | null };
    return row.seq ?? 0;
  }

  append(m: StoredMessage, sink: CommitSink): void {
    this.pending.push(m);
    this.sinks.push(sink);
    if (this.pending.length >= this.opts.commitBatch) this.flush();
    else if (this.timer === undefined) this.timer = setTimeout(this.flushBound, this.opts.commitIntervalMs);
  }

  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending.length === 0) return;
    const batch = this.pending;
    const sinks = this.sinks;
    this.pending = [];
    this.sinks = [];
    let error: Error | undefined;
    try {
      this.insertAll(batch);
    } catch (err) {
      error = err instanceof Error ? err : new Error(String(err));
    }
    for (let i = 0; i < batch.length; i++) {
      if (error) sinks[i]!.failed(batch[i]!, error);
      else sinks[i]!.committed(batch[i]!);
    }
  }

  history(room: string, limit: number, before?: number): StoredMessage[] {
    const rows = (before === undefined ? this.recent.all(room, limit) : this.before.all(room, before, limit)) as Row[];
    return rows.reverse().map(toMessage);
  }

  close(): void {
    this.flush();
    this.db.close();
  }
}

function toMessage(r: Row): StoredMessage {
  const m: StoredMessage = { room: r.room, from: r.sender, id: JSON.parse(r.msg_id), seq: r.seq, body: r.body };
  if (r.ts !== null) m.ts = JSON.parse(r.ts);
  return m;
}

const SQLITE_ADVICE = 'the reference server keeps messages in SQLite through better-sqlite3, an optional peer of the chatbench package (a native module: installing it compiles SQLite). Add it with `npm install better-sqlite3@12` (npm 11: list it under "allowScripts" in package.json so its build runs), or run the server without persistence: `--persist none` (scenario `server: {persist: none}`)';

/** better-sqlite3 is loaded only when a server persists to SQLite, so installing chatbench as a
 * load tool compiles nothing; when it is missing or unbuilt, say how to add it. */
function openDatabase(path: string): Database.Database {
  let Sqlite: typeof Database;
  try {
    Sqlite = createRequire(import.meta.url)('better-sqlite3') as typeof Database;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') throw new Error(`better-sqlite3 is not installed: ${SQLITE_ADVICE}`);
    throw err;
  }
  try {
    return new Sqlite(path);
  } catch (err) {
    if (/bindings file|better_sqlite3\.node/.test((err as Error).message)) throw new Error(`better-sqlite3 is installed but not built (${(err as Error).message.split('\n')[0]}): ${SQLITE_ADVICE}`);
    throw err;
  }
}
