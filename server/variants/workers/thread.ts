// One chat thread of the workers variant: its own event loop, chat core and listener on the shared
// socket. Connections are handled in callback style; rooms are shared through the RoutedPublisher.
import { parentPort, workerData } from 'node:worker_threads';
import { Gauge } from 'prom-client';
import { startHost, type ChatHost } from '../../host.js';
import { handleConnection } from '../callback.js';
import { ThreadBus } from './bus.js';
import type { FromThread, ThreadData, ToThread } from './messages.js';
import { RoutedPublisher } from './routed-publisher.js';
import { SharedCounts, SharedIpCounter } from './shared-counts.js';
import { SharedSeqs } from './shared-seqs.js';

const data = workerData as ThreadData;
const port = parentPort!;
const counters = new Int32Array(data.counters);
const pendingMetrics = new Map<number, (m: { contentType: string; body: string }) => void>();
let nextMetricsId = 0;
let host: ChatHost | undefined;
let routed: RoutedPublisher | undefined;

function post(m: FromThread): void {
  port.postMessage(m);
}

async function start(listenFd?: number): Promise<void> {
  // on a Redis bus each thread is a node of its own (Redis orders its rooms); otherwise rooms are
  // shared between threads by the RoutedPublisher
  const onBus = data.config.bus !== '';
  const publisher = onBus ? undefined : (routed = new RoutedPublisher(new ThreadBus(data.index, data.ports), new SharedCounts(data.memberCounts), new SharedSeqs(data.seqs)));
  const config = onBus ? { ...data.config, nodeId: `${data.config.nodeId}-t${data.index}` } : data.config;
  host = await startHost(config, handleConnection, {
    ...(listenFd !== undefined ? { listenFd } : {}),
    connPrefix: `t${data.index}-c`,
    logBindings: { thread: data.index },
    ...(publisher ? { publisher } : {}),
    ipCounter: new SharedIpCounter(new SharedCounts(data.ipCounts)),
    defaultMetrics: false,
    backend: (local) => ({
      health: () => ({ variant: data.config.variant, threads: data.threads, connections: counters.reduce((a, b) => a + b, 0) }),
      history: local.history,
      metrics: () =>
        new Promise((resolve) => {
          const id = nextMetricsId++;
          pendingMetrics.set(id, resolve);
          post({ type: 'metrics?', id });
        }),
    }),
  });
  host.core.stats.shareConnections(counters, data.index);
  const core = host.core;
  new Gauge({
    name: 'chatbench_thread_connections',
    help: 'Open connections per chat thread (how the shared accept socket spread them)',
    labelNames: ['thread'],
    registers: [host.metrics],
    collect(this: Gauge<'thread'>) {
      this.set({ thread: String(data.index) }, core.stats.connectionsOpen);
    },
  });
  const fd = (host.listener as unknown as { _handle?: { fd?: number } })._handle?.fd ?? -1;
  post({ type: 'listening', port: host.port, fd });
}

port.on('message', (m: ToThread) => {
  switch (m.type) {
    case 'listen':
      start(m.fd).catch(fail);
      return;
    case 'collect':
      host!.metrics.getMetricsAsJSON().then((json) => post({ type: 'collected', id: m.id, json }), fail);
      return;
    case 'metrics':
      pendingMetrics.get(m.id)?.({ contentType: m.contentType, body: m.body });
      pendingMetrics.delete(m.id);
      return;
    case 'settle':
      // shutdown, first half: commit what is pending here, then wait until every other thread's
      // commits (and their acks for our sessions) have reached us
      host?.quiesce();
      void (routed ? routed.settle() : Promise.resolve()).then(() => post({ type: 'settled' }));
      return;
    case 'close':
      void (host ? host.close() : Promise.resolve()).then(() => post({ type: 'closed' }));
      return;
  }
});

function fail(err: unknown): void {
  post({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
}

if (data.index === 0) start().catch(fail);
