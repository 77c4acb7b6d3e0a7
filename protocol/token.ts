// JWT claims of chat auth, and how clients (the load generator, tests, benchmarks) make tokens:
// HS256 with a shared secret, or RS256/ES256/EdDSA with a private JWK — synchronous, because a
// generator signs one per connect on its hot path. Servers verify with jose (server/auth/).
import { createHmac, createPrivateKey, sign, type KeyObject } from 'node:crypto';

export interface TokenClaims {
  sub: string;
  exp: number; // seconds since the epoch
  rooms?: string[]; // optional ACL: the rooms this user may join ('*' suffix = prefix match)
}

export const DEV_SECRET = 'chatbench-dev-secret';

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64url');

function payloadOf(claims: { sub: string; ttlSec?: number; rooms?: string[]; exp?: number }): string {
  const payload: TokenClaims = {
    sub: claims.sub,
    exp: claims.exp ?? Math.floor(Date.now() / 1000) + (claims.ttlSec ?? 3600),
    ...(claims.rooms ? { rooms: claims.rooms } : {}),
  };
  return b64(JSON.stringify(payload));
}

const HS256_HEADER = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));

export function signToken(claims: { sub: string; ttlSec?: number; rooms?: string[]; exp?: number }, secret: string): string {
  const body = `${HS256_HEADER}.${payloadOf(claims)}`;
  return `${body}.${createHmac('sha256', secret).update(body).digest('base64url')}`;
}

/** A private signing key (a JWK with `d`), ready to sign many tokens. */
export interface SigningKey {
  alg: 'RS256' | 'ES256' | 'EdDSA';
  key: KeyObject;
  header: string; // encoded JOSE header, with the key's kid
}

export function signingKey(jwk: { kty?: string; crv?: string; kid?: string; alg?: string; d?: string }): SigningKey {
  if (!jwk.d) throw new Error('token key: expected a private JWK (with "d")');
  const alg = jwk.kty === 'RSA' ? 'RS256' : jwk.kty === 'EC' && jwk.crv === 'P-256' ? 'ES256' : jwk.kty === 'OKP' && jwk.crv === 'Ed25519' ? 'EdDSA' : undefined;
  if (!alg) throw new Error('token key: expected an RSA, EC P-256 or Ed25519 private JWK');
  const key = createPrivateKey({ key: jwk as never, format: 'jwk' });
  return { alg, key, header: b64(JSON.stringify({ alg, typ: 'JWT', ...(jwk.kid ? { kid: jwk.kid } : {}) })) };
}

export function signTokenWithKey(claims: { sub: string; ttlSec?: number; rooms?: string[]; exp?: number }, k: SigningKey): string {
  const body = `${k.header}.${payloadOf(claims)}`;
  const hash = k.alg === 'EdDSA' ? null : 'sha256';
  const signature = sign(hash, Buffer.from(body), k.alg === 'ES256' ? { key: k.key, dsaEncoding: 'ieee-p1363' } : k.key);
  return `${body}.${signature.toString('base64url')}`;
}

/** Does a token's `rooms` claim allow `room`? No claim means every room. */
export function roomAllowed(claims: TokenClaims, room: string): boolean {
  if (!claims.rooms) return true;
  return claims.rooms.some((r) => (r.endsWith('*') ? room.startsWith(r.slice(0, -1)) : r === room));
}
