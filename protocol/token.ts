// JWT HS256 tokens: just enough of RFC 7519 for chat auth, with no dependency.
// Only HS256 is accepted: `alg: none` and every other algorithm are refused.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface TokenClaims {
  sub: string;
  exp: number; // seconds since the epoch
  rooms?: string[]; // optional ACL: the rooms this user may join ('*' suffix = prefix match)
}

export const DEV_SECRET = 'chatbench-dev-secret';

const HEADER = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

function base64url(s: string | Buffer): string {
  return Buffer.from(s).toString('base64url');
}

function sign(input: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(input).digest();
}

export function signToken(claims: { sub: string; ttlSec?: number; rooms?: string[]; exp?: number }, secret: string): string {
  const payload: TokenClaims = {
    sub: claims.sub,
    exp: claims.exp ?? Math.floor(Date.now() / 1000) + (claims.ttlSec ?? 3600),
    ...(claims.rooms ? { rooms: claims.rooms } : {}),
  };
  const body = `${HEADER}.${base64url(JSON.stringify(payload))}`;
  return `${body}.${sign(body, secret).toString('base64url')}`;
}

export type VerifyResult = { ok: true; claims: TokenClaims } | { ok: false; reason: string };

export function verifyToken(token: string, secret: string, nowSec = Date.now() / 1000): VerifyResult {
  if (typeof token !== 'string' || token.length > 4096) return { ok: false, reason: 'malformed token' };
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed token' };
  const [h, p, s] = parts as [string, string, string];
  let header: unknown;
  let payload: unknown;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    payload = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed token' };
  }
  if (!isObject(header) || header.alg !== 'HS256') return { ok: false, reason: 'unsupported alg (HS256 only)' };
  const expected = sign(`${h}.${p}`, secret);
  const given = Buffer.from(s, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad signature' };
  if (!isObject(payload) || typeof payload.sub !== 'string' || payload.sub.length === 0 || payload.sub.length > 64) {
    return { ok: false, reason: 'sub missing' };
  }
  if (typeof payload.exp !== 'number') return { ok: false, reason: 'exp missing' };
  if (payload.exp <= nowSec) return { ok: false, reason: 'token expired' };
  const rooms = payload.rooms;
  if (rooms !== undefined && !(Array.isArray(rooms) && rooms.every((r) => typeof r === 'string'))) {
    return { ok: false, reason: 'rooms claim must be a list of strings' };
  }
  return { ok: true, claims: { sub: payload.sub, exp: payload.exp, ...(rooms ? { rooms: rooms as string[] } : {}) } };
}

/** Does a token's `rooms` claim allow `room`? No claim means every room. */
export function roomAllowed(claims: TokenClaims, room: string): boolean {
  if (!claims.rooms) return true;
  return claims.rooms.some((r) => (r.endsWith('*') ? room.startsWith(r.slice(0, -1)) : r === room));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
