// A test chat client on the `ws` library: queues incoming frames and lets a test await the next
// frame of a type, or the close code.
import WebSocket from 'ws';

export interface Frame {
  type: string;
  [key: string]: unknown;
}

export class ChatClient {
  readonly frames: Frame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters: (() => void)[] = [];

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      this.frames.push(JSON.parse(data.toString()) as Frame);
      this.wake();
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      this.wake();
    }));
    ws.on('error', () => {});
  }

  static async open(url: string, headers?: Record<string, string>): Promise<ChatClient> {
    const ws = new WebSocket(url, { headers });
    const client = new ChatClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
    return client;
  }

  send(frame: object | string): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** The next not-yet-taken frame of this type (any type when omitted), waiting up to timeoutMs. */
  async next(type?: string, timeoutMs = 3000): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const at = this.frames.findIndex((f) => type === undefined || f.type === type);
      if (at >= 0) return this.frames.splice(at, 1)[0]!;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${type ?? 'frame'} within ${timeoutMs} ms; have ${JSON.stringify(this.frames)}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Authenticate with an auth frame and wait for `ready`. */
  async auth(token: string): Promise<Frame> {
    this.send({ type: 'auth', token });
    return this.next('ready');
  }

  async join(room: string, history?: number): Promise<Frame> {
    this.send(history === undefined ? { type: 'join', room } : { type: 'join', room, history });
    return this.next('joined');
  }

  close(): void {
    this.ws.close();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
