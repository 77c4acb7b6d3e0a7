// Hosts one chat core on one event loop: HTTP endpoints, the WebSocket upgrade (with optional
// token on the upgrade request), heartbeats and graceful shutdown. Used directly by the coroutine
// and callback variants, and once per thread by the workers variant.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { Server as NetServer, Socket } from 'node:net';
import type { Registry } from 'prom-client';
import { CloseCode } from '../protocol/errors.js';
import type { TokenClaims } from '../protocol/token.js';
import { createTokenVerifier, loadJwks } from './auth/token-verifier.js';
import { hs256Secret, type ServerConfig } from './config.js';
import type { RunningServer } from './running-server.js';
import type { ConnectionHandler } from './connection.js';
import { ChatCore, type Publisher } from './core/chat-core.js';
import type { IpCounter } from './core/ip-counter.js';
import { Heartbeat } from './heartbeat.js';
import { createHttpHandler, type HttpBackend } from './http.js';
import { createLogger } from './logger.js';
import { createMetrics } from './metrics.js';
import { SqliteStore } from './store/sqlite-store.js';
import type { MessageStore } from './core/message-store.js';
import { NullStore } from './store/store.js';
import type { RedisBus } from './bus/redis-bus.js';
import { defaultNodeId } from './bus/node-id.js';
import { addBusMetrics } from './bus/bus-metrics.js';
import { completeUpgrade, refuseUpgrade } from './ws/handshake.js';
import { createFrontDoor } from './ws/front-door.js';
import type { RequestHead } from './ws/request-head.js';
import { ServerWebSocket } from './ws/server-web-socket.js';

export interface HostOptions {
  /** Listen on an inherited listening socket (workers variant) instead of host:port. */
  listenFd?: number;
  connPrefix?: string;
  logBindings?: Record<string, unknown>;
  /** Replace parts of the HTTP backend (workers variant aggregates across threads). */
  backend?: (local: HttpBackend) => HttpBackend;
  /** Cross-thread publishing (workers variant); local by default. */
  publisher?: Publisher;
  /** Connections per IP across threads (workers variant). */
  ipCounter?: IpCounter;
  /** Process-wide default metrics (off in worker threads: the main thread reports them once). */
  defaultMetrics?: boolean;
}

export interface ChatHost {
  readonly core: ChatCore;
  readonly http: Server;
  /** The listening socket (its descriptor is shared by the workers variant's threads). */
  readonly listener: NetServer;
  readonly metrics: Registry;
  readonly port: number;
  /** First half of a shutdown: stop pinging and commit what is pending (its acks go out). */
  quiesce(): void;
  /** Stop accepting, flush persistence, close sockets with 1001. */
  close(): Promise<void>;
}

export function openStore(config: ServerConfig): MessageStore {
  if (config.persist === 'none') return new NullStore();
  return new SqliteStore({ path: config.db, sync: config.sqliteSync, commitIntervalMs: config.commitIntervalMs, commitBatch: config.commitBatch });
}

export async function startHost(config: ServerConfig, handler: ConnectionHandler, opts: HostOptions = {}): Promise<ChatHost> {
  const log = createLogger(config, opts.logBindings);
  // on a bus, Redis numbers and keeps the messages: SQLite would be a second, diverging copy
  // ioredis loads only for a bus: it is a quarter of a plain server's start
  const bus: RedisBus | undefined = config.bus ? await (await import('./bus/redis-bus.js')).RedisBus.connect({ url: config.bus, nodeId: config.nodeId || defaultNodeId(), maxlen: config.busHistory }, log) : undefined;
  const store = bus ? new NullStore() : openStore(config);
  const verifier = createTokenVerifier({ secret: hs256Secret(config), ...(config.jwks ? { jwks: loadJwks(config.jwks) } : {}) });
  const core = new ChatCore(config, store, log, verifier, opts.connPrefix, bus ?? opts.publisher, opts.ipCounter);
  (bus ?? opts.publisher)?.attach?.(core);
  const metrics = createMetrics(core, { variant: config.variant }, opts.defaultMetrics ?? true);
  if (bus) addBusMetrics(metrics, bus);
  const heartbeat = new Heartbeat(core);
  const local: HttpBackend = {
    health: () => ({ variant: config.variant, connections: core.stats.connectionsOpen, ...(bus ? { bus: { node: bus.opts.nodeId, up: bus.up } } : {}) }),
    metrics: async () => ({ contentType: metrics.contentType, body: await metrics.metrics() }),
    history: async (room, limit, before) => (bus ? bus.historyMessages(room, limit, before) : store.history(room, limit, before)),
  };
  // a request whose headers never finish is dropped after the auth deadline, checked every second,
  // instead of holding a descriptor for Node's default 60 s
  const http = createServer({ headersTimeout: config.authTimeoutMs, requestTimeout: Math.max(config.authTimeoutMs, 30_000), connectionsCheckingInterval: 1000 }, createHttpHandler(config, opts.backend ? opts.backend(local) : local, verifier));

  const upgrade = async (req: RequestHead, socket: Socket, head: Buffer) => {
    const ip = socket.remoteAddress ?? 'unknown';
    let claims: TokenClaims | undefined;
    const token = upgradeToken(req);
    if (token !== undefined) {
      socket.on('error', ignore); // the socket may fail while its token is verified
      const result = await verifier.verify(token);
      socket.off('error', ignore);
      if (socket.destroyed) return;
      if (!result.ok) return refuse(socket, 401, 'Unauthorized');
      claims = result.claims;
    }
    if (!core.admit(ip)) return refuse(socket, 429, 'Too Many Requests');
    // a refused handshake gives its per-IP count back at once
    if (!completeUpgrade(req, socket)) return core.abandon(ip);
    const ws = new ServerWebSocket(socket, config.maxFrameBytes);
    handler({ core, ws, ip, claims });
    ws.begin(head);
  };
  const upgraded = (req: RequestHead, socket: Socket, head: Buffer) => {
    upgrade(req, socket, head).catch((err: unknown) => {
      log.error({ err }, 'upgrade failed');
      socket.destroy();
    });
  };
  // upgrades are read by the front door; one that comes on a kept-alive HTTP connection still
  // reaches Node's parser, which hands it over here
  http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => upgraded(req, socket, head));
  http.on('clientError', (_err, socket: Socket) => socket.destroy());
  const listener = createFrontDoor(http, upgraded, config.authTimeoutMs);

  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    if (opts.listenFd !== undefined) listener.listen({ fd: opts.listenFd }, resolve);
    else listener.listen({ host: config.host, port: config.port, backlog: 4096 }, resolve);
  });
  http.emit('listening'); // Node's HTTP server starts its connection tracking (the timeouts) on it
  const address = listener.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  if (config.devLogin) log.warn('DEV LOGIN ON: POST /login gives a token for any user name; never expose this server');
  if (config.injectCpuUs > 0) log.warn({ injectCpuUs: config.injectCpuUs }, 'FAULT INJECTION ON: every delivery burns CPU');
  if (config.injectLatencyMs > 0) log.warn({ injectLatencyMs: config.injectLatencyMs }, 'FAULT INJECTION ON: every delivery is delayed');

  let closing: Promise<void> | undefined;
  const quiesce = () => {
    heartbeat.stop();
    store.flush();
  };
  const close = () =>
    (closing ??= (async () => {
      quiesce();
      const stopped = new Promise<void>((resolve) => listener.close(() => resolve()));
      http.close();
      await bus?.drain(2000); // the acks of messages Redis is numbering go out before the sockets close
      for (const s of [...core.sessions.values()]) core.disconnect(s, CloseCode.GOING_AWAY, 'server shutting down');
      http.closeAllConnections();
      await Promise.race([stopped, new Promise((r) => setTimeout(r, 2000).unref())]);
      await bus?.close();
      store.close();
      log.flush();
    })());
  return { core, http, listener, metrics, port, quiesce, close };
}

function upgradeToken(req: RequestHead): string | undefined {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7);
  const q = req.url?.indexOf('?') ?? -1;
  if (q < 0) return undefined;
  return new URLSearchParams(req.url!.slice(q + 1)).get('token') ?? undefined;
}

function ignore(): void {}

function refuse(socket: Socket, status: number, text: string): void {
  refuseUpgrade(socket, `HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** A single-threaded variant: one host on this event loop with the variant's connection handler. */
export async function startOnHost(config: ServerConfig, handler: ConnectionHandler): Promise<RunningServer> {
  const host = await startHost(config, handler);
  return { variant: config.variant, host: config.host, port: host.port, close: host.close };
}
