// HTTP endpoints beside the WebSocket: health, metrics (public, loopback only, or off), history
// (with a token, under the same room ACL as the `history` frame) and, only when asked for, a
// development login.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MAX_HISTORY_LIMIT, ROOM_PATTERN, type StoredMessage } from '../protocol/frames.js';
import { roomAllowed, signToken } from '../protocol/token.js';
import type { ServerConfig } from './config.js';
import type { TokenVerifier } from './core/token-verifier.js';

/** What the HTTP layer needs from a running server, whatever its variant. */
export interface HttpBackend {
  health(): Record<string, unknown>;
  metrics(): Promise<{ contentType: string; body: string }>;
  history(room: string, limit: number, before?: number): Promise<StoredMessage[]>;
}

const MAX_LOGIN_BODY = 4096;

export function createHttpHandler(config: ServerConfig, backend: HttpBackend, verifier: TokenVerifier) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    route(config, backend, verifier, req, res).catch((err: unknown) => {
      if (!res.headersSent) json(res, 500, { error: 'INTERNAL', message: String(err) });
      else res.destroy();
    });
  };
}

async function route(config: ServerConfig, backend: HttpBackend, verifier: TokenVerifier, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const path = url.pathname;
  if (req.method === 'GET' && path === '/healthz') return json(res, 200, { status: 'ok', ...backend.health() });
  if (req.method === 'GET' && path === '/metrics') {
    if (config.metrics === 'off') return json(res, 404, { error: 'NOT_FOUND', message: '/metrics is off (--metrics off)' });
    if (config.metrics === 'loopback' && !isLoopback(req.socket.remoteAddress)) {
      return json(res, 403, { error: 'FORBIDDEN', message: '/metrics answers loopback clients only (--metrics public to change)' });
    }
    const m = await backend.metrics();
    res.writeHead(200, { 'content-type': m.contentType });
    res.end(m.body);
    return;
  }
  const history = /^\/rooms\/([^/]+)\/history$/.exec(path);
  if (req.method === 'GET' && history) {
    const token = bearer(req, url);
    if (token === undefined) return json(res, 401, { error: 'UNAUTHORIZED', message: 'a token is required (Authorization: Bearer TOKEN, or ?token=TOKEN)' });
    const auth = await verifier.verify(token);
    if (!auth.ok) return json(res, 401, { error: 'UNAUTHORIZED', message: auth.reason });
    let room: string;
    try {
      room = decodeURIComponent(history[1]!);
    } catch {
      room = '';
    }
    if (!ROOM_PATTERN.test(room)) return json(res, 400, { error: 'BAD_FIELD', message: 'room must match [A-Za-z0-9_.:-]{1,64}' });
    if (!roomAllowed(auth.claims, room)) return json(res, 403, { error: 'FORBIDDEN', message: `not allowed in room ${room}` });
    const limit = intParam(url, 'limit', 50, 1, MAX_HISTORY_LIMIT);
    const before = intParam(url, 'before', undefined, 1, Number.MAX_SAFE_INTEGER);
    if (limit === null || limit === undefined || before === null) return json(res, 400, { error: 'BAD_FIELD', message: `limit must be 1-${MAX_HISTORY_LIMIT}, before a positive integer` });
    return json(res, 200, { room, messages: await backend.history(room, limit, before) });
  }
  if (req.method === 'POST' && path === '/login') {
    if (!config.devLogin) return json(res, 404, { error: 'NOT_FOUND', message: 'no login here: tokens come from your identity provider (--dev-login turns on an insecure development login)' });
    const body = await readBody(req, MAX_LOGIN_BODY);
    let user: unknown;
    try {
      user = (JSON.parse(body) as { user?: unknown }).user;
    } catch {
      return json(res, 400, { error: 'BAD_FRAME', message: 'body must be JSON {"user": "..."}' });
    }
    if (typeof user !== 'string' || user.length === 0 || user.length > 64) {
      return json(res, 400, { error: 'BAD_FIELD', message: '`user` must be a string of 1-64 chars' });
    }
    return json(res, 200, { token: signToken({ sub: user }, config.secret) });
  }
  json(res, 404, { error: 'NOT_FOUND', message: `no route for ${req.method} ${path}` });
}

function bearer(req: IncomingMessage, url: URL): string | undefined {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice(7);
  return url.searchParams.get('token') ?? undefined;
}

/** A peer on this host: what `--metrics loopback` lets in. */
export function isLoopback(address: string | undefined): boolean {
  return !!address && (address.startsWith('127.') || address === '::1' || address.startsWith('::ffff:127.'));
}

function intParam(url: URL, key: string, fallback: number | undefined, min: number, max: number): number | undefined | null {
  const raw = url.searchParams.get(key);
  if (raw === null) return fallback;
  const n = Number(raw);
  return Number.isInteger(n) && n >= min && n <= max ? n : null;
}

function readBody(req: IncomingMessage, max: number): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > max) reject(new Error('body too large'));
    });
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}
