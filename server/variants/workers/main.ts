// The workers variant: N chat threads (node:worker_threads), each with its own event loop, all
// accepting on one listening socket (thread 0 listens; the others listen on its descriptor). The
// main thread only starts them, aggregates their metrics and stops them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { AggregatorRegistry } from 'prom-client';
import { dist } from '../../../lib/paths.js';
import type { ServerConfig } from '../../config.js';
import { createProcessMetrics } from '../../metrics.js';
import type { RunningServer } from '../../running-server.js';
import type { FromThread, ThreadData, ToThread } from './messages.js';
import { SharedCounts } from './shared-counts.js';
import { SharedSeqs } from './shared-seqs.js';
import { defaultNodeId } from '../../bus/node-id.js';

export async function start(config: ServerConfig): Promise<RunningServer> {
  const n = Math.max(1, config.threads);
  // threads share one database; an in-memory one would be per thread, so use a temporary file
  const tempDir = config.persist === 'sqlite' && !config.bus && config.db === ':memory:' ? mkdtempSync(join(tmpdir(), 'chatbench-workers-')) : undefined;
  const threadConfig: ServerConfig = { ...config, ...(tempDir ? { db: join(tempDir, 'chat.db') } : {}), ...(config.bus ? { nodeId: config.nodeId || defaultNodeId() } : {}) };
  const ports: (MessagePort | undefined)[][] = Array.from({ length: n }, () => Array<MessagePort | undefined>(n).fill(undefined));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const { port1, port2 } = new MessageChannel();
      ports[i]![j] = port1;
      ports[j]![i] = port2;
    }
  }
  const counters = new SharedArrayBuffer(4 * n);
  const ipCounts = SharedCounts.create(4096);
  const memberCounts = SharedCounts.create(131_072); // 1 MiB: room counts stay exact up to ~100k rooms
  const seqs = SharedSeqs.create(131_072); // 2.5 MiB: beyond 131,072 rooms, owners number them
  const entry = dist('server/variants/workers/thread.js');
  const threads = ports.map((own, index) => {
    const data: ThreadData = { config: threadConfig, index, threads: n, ports: own, counters, ipCounts, memberCounts, seqs };
    return new Worker(entry, { workerData: data, transferList: own.filter((p): p is MessagePort => p !== undefined) });
  });
  const registry = createProcessMetrics({ variant: config.variant });
  const collecting = new Map<number, { from: number; requestId: number; parts: unknown[] }>();
  let collectId = 0;

  const send = (i: number, m: ToThread) => threads[i]!.postMessage(m);
  const listening = threads.map(
    (t, i) =>
      new Promise<{ port: number; fd: number }>((resolve, reject) => {
        t.on('error', reject);
        t.on('exit', (code) => reject(new Error(`chat thread ${i} exited with code ${code}`)));
        t.on('message', (m: FromThread) => {
          switch (m.type) {
            case 'listening':
              return resolve(m);
            case 'failed':
              return reject(new Error(`chat thread ${i}: ${m.message}`));
            case 'metrics?': {
              const id = collectId++;
              collecting.set(id, { from: i, requestId: m.id, parts: [] });
              for (let k = 0; k < n; k++) send(k, { type: 'collect', id });
              return;
            }
            case 'collected': {
              const c = collecting.get(m.id);
              if (!c) return;
              c.parts.push(m.json);
              if (c.parts.length === n) {
                collecting.delete(m.id);
                void aggregate(registry, c.parts).then((body) =>
                  send(c.from, { type: 'metrics', id: c.requestId, contentType: registry.contentType, body }),
                );
              }
              return;
            }
          }
        });
      }),
  );
  const first = await listening[0]!;
  for (let i = 1; i < n; i++) send(i, { type: 'listen', fd: first.fd });
  await Promise.all(listening);

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      const ask = (i: number, m: ToThread, answer: FromThread['type']) =>
        new Promise<void>((resolve) => {
          const onMessage = (r: FromThread) => {
            if (r.type !== answer) return;
            threads[i]!.off('message', onMessage);
            resolve();
          };
          threads[i]!.on('message', onMessage);
          send(i, m);
        });
      // first every thread commits and receives the others' acks, then connections close: a
      // sender must get the ack of a message its room's owner thread commits at shutdown
      await Promise.all(threads.map((_, i) => ask(i, { type: 'settle' }, 'settled')));
      // the other threads first: thread 0 owns the listening descriptor
      await Promise.all(threads.slice(1).map((_, k) => ask(k + 1, { type: 'close' }, 'closed')));
      await ask(0, { type: 'close' }, 'closed');
      for (const t of threads) t.removeAllListeners('exit');
      await Promise.all(threads.map((t) => t.terminate()));
      if (tempDir) rmSync(tempDir, { recursive: true, force: true });
    })());
  return { variant: 'workers', host: config.host, port: first.port, close };
}

async function aggregate(main: ReturnType<typeof createProcessMetrics>, threads: unknown[]): Promise<string> {
  const all = [await main.getMetricsAsJSON(), ...threads];
  return AggregatorRegistry.aggregate(all as Parameters<typeof AggregatorRegistry.aggregate>[0]).metrics();
}
