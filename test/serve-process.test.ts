// `chatbench serve` as a real process: structured logs with the connection id on every
// connection-scoped line, and a graceful SIGTERM that flushes pending commits and closes with 1001.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CloseCode } from '../protocol/errors.js';
import { signToken } from '../protocol/token.js';
import { VARIANTS } from '../server/config.js';
import { ChatClient } from './helpers/chat-client.js';
import { PROCESS_SECRET, serve } from './helpers/serve-process.js';

const SECRET = PROCESS_SECRET;

describe.each(VARIANTS)('chatbench serve --variant %s', (variant) => {
  it('logs JSON with the connection id and user on every connection-scoped line', async () => {
    const s = await serve(['--variant', variant, '--log-level', 'debug', '--persist', 'none']);
    const c = await ChatClient.open(`ws://127.0.0.1:${s.port}/`);
    const ready = await c.auth(signToken({ sub: 'logger' }, SECRET));
    await c.join('logs');
    c.send('not json');
    await c.next('error');
    c.close();
    await c.closed;
    await new Promise((r) => setTimeout(r, 200));
    s.child.kill('SIGTERM');
    expect(await s.exited).toBe(0);
    const lines = s.stderr.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const scoped = lines.filter((l) => ['connection opened', 'authenticated', 'error sent', 'connection closed'].includes(l.msg as string));
    expect(scoped.map((l) => l.msg)).toEqual(expect.arrayContaining(['connection opened', 'authenticated', 'error sent', 'connection closed']));
    for (const l of scoped) {
      expect(l.conn).toBe(ready.conn);
      expect(l.variant).toBe(variant);
      if (l.msg !== 'connection opened') expect(l.user).toBe('logger');
    }
  });

  it('on SIGTERM commits pending messages, closes clients with 1001 and exits 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatbench-term-'));
    try {
      const db = join(dir, 'chat.db');
      // a long commit interval keeps the message pending until shutdown flushes it
      let s = await serve(['--variant', variant, '--db', db, '--commit-interval', '60s']);
      // several clients, on every thread when the variant has threads: some send to a room whose
      // owner thread is not theirs, and their acks must still arrive before the 1001
      const clients: ChatClient[] = [];
      const threads = new Set<string>();
      while (clients.length < 4 || (variant === 'workers' && threads.size < 2 && clients.length < 60)) {
        const c = await ChatClient.open(`ws://127.0.0.1:${s.port}/?token=${signToken({ sub: `term${clients.length}` }, SECRET)}`);
        threads.add(String((await c.next('ready')).conn).split('-')[0]!);
        clients.push(c);
      }
      if (variant === 'workers') expect(threads.size).toBe(2);
      // 'term' and 'keep' are owned by different threads of the workers variant (2 threads)
      for (const [i, c] of clients.entries()) {
        await c.join('term');
        await c.join('keep');
        c.send({ type: 'say', room: 'term', id: `pending${i}`, body: `flushed on shutdown ${i}` });
        c.send({ type: 'say', room: 'keep', id: `kept${i}`, body: `kept ${i}` });
      }
      await new Promise((r) => setTimeout(r, 100));
      for (const c of clients) expect(c.frames.filter((f) => f.type === 'ack')).toEqual([]);
      s.child.kill('SIGTERM');
      for (const [i, c] of clients.entries()) {
        const acks = [await c.next('ack'), await c.next('ack')].map((a) => a.id).sort();
        expect(acks).toEqual([`kept${i}`, `pending${i}`]);
        expect((await c.closed).code).toBe(CloseCode.GOING_AWAY);
      }
      expect(await s.exited).toBe(0);

      s = await serve(['--variant', variant, '--db', db]);
      const res = await fetch(`http://127.0.0.1:${s.port}/rooms/term/history`, { headers: { authorization: `Bearer ${signToken({ sub: 'reader' }, SECRET)}` } });
      const bodies = ((await res.json()) as { messages: { body: string }[] }).messages.map((m) => m.body);
      expect(bodies.sort()).toEqual(clients.map((_, i) => `flushed on shutdown ${i}`).sort());
      s.child.kill('SIGTERM');
      expect(await s.exited).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
