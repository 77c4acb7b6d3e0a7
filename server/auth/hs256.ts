// HS256 tokens verified synchronously with node:crypto: ≈ 10 µs where jose's WebCrypto path costs
// ≈ 0.2–0.4 ms of CPU per token (measured: bench figures in docs/performance.md), and a chat
// server verifies one per connect. The checks and their reasons are jose's (the differential test
// in test/auth.test.ts holds both to the same answers): signature, then `exp` and `sub` required,
// `exp`, `nbf`, `iat` numbers, the token not expired and not before its `nbf`.
import { createHmac, timingSafeEqual } from 'node:crypto';

export type Hs256Result = { ok: true; payload: Record<string, unknown> } | { ok: false; reason: string };

const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** Unpadded base64url that decodes whole (a length of 4k + 1 cannot: jose refuses it too). */
export const isBase64url = (s: string) => s.length % 4 !== 1 && BASE64URL.test(s);

/** `header` is the token's decoded protected header (its alg already known to be HS256). */
export function verifyHs256(token: string, header: Record<string, unknown>, secret: Buffer, nowSec = Math.floor(Date.now() / 1000)): Hs256Result {
  if (header.crit !== undefined) return { ok: false, reason: 'malformed token' }; // no extension is understood
  const dot1 = token.indexOf('.');
  const dot2 = token.indexOf('.', dot1 + 1);
  if (dot1 < 0 || dot2 < 0 || token.indexOf('.', dot2 + 1) >= 0) return { ok: false, reason: 'malformed token' };
  const sig = token.slice(dot2 + 1);
  const body = token.slice(dot1 + 1, dot2);
  if (!isBase64url(sig)) return { ok: false, reason: 'malformed token' };
  const expected = createHmac('sha256', secret).update(token.slice(0, dot2)).digest();
  const given = Buffer.from(sig, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'bad signature' };
  if (!isBase64url(body)) return { ok: false, reason: 'malformed token' }; // after the signature, as jose
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString());
  } catch {
    return { ok: false, reason: 'malformed token' };
  }
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return { ok: false, reason: 'malformed token' };
  const p = payload as Record<string, unknown>;
  for (const claim of ['exp', 'sub']) if (!(claim in p)) return { ok: false, reason: `${claim} missing` };
  for (const claim of ['iat', 'nbf', 'exp']) if (p[claim] !== undefined && typeof p[claim] !== 'number') return { ok: false, reason: `${claim} invalid` };
  if (typeof p.nbf === 'number' && p.nbf > nowSec) return { ok: false, reason: 'nbf invalid' };
  if ((p.exp as number) <= nowSec) return { ok: false, reason: 'token expired' };
  return { ok: true, payload: p };
}
