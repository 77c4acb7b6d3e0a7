// Verifies the JWTs clients present, with jose: HS256 against the shared secret, and RS256, ES256
// or EdDSA against a JWKS (public keys of an identity provider, --jwks FILE). Each key only ever
// verifies its own algorithms, so `alg: none` and algorithm confusion (an HS256 token "signed" with
// a public key) are refused. HS256 is checked synchronously with node:crypto (hs256.ts: jose's
// WebCrypto path costs 20–40× more CPU per token); the asymmetric algorithms go through jose.
import { readFileSync } from 'node:fs';
import { isUtf8 } from 'node:buffer';
import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { isBase64url, verifyHs256 } from './hs256.js';
import type { TokenClaims } from '../../protocol/token.js';
import type { TokenVerifier, VerifyResult } from '../core/token-verifier.js';

export const ASYMMETRIC_ALGS = ['RS256', 'ES256', 'EdDSA'] as const;
const MAX_TOKEN_CHARS = 4096;

export interface VerifierKeys {
  /** HS256 shared secret; undefined = HS256 tokens are refused. */
  secret?: string;
  /** Public keys for the asymmetric algorithms; undefined = only HS256. */
  jwks?: JSONWebKeySet;
}

export function loadJwks(file: string): JSONWebKeySet {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new Error(`--jwks ${file}: ${(err as Error).message}`);
  }
  const keys = (parsed as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw new Error(`--jwks ${file}: expected a JWK set, {"keys": [ … ]}, with at least one key`);
  if (keys.some((k: { d?: unknown }) => k && k.d !== undefined)) throw new Error(`--jwks ${file}: holds a private key ("d"); give the server public keys only`);
  return parsed as JSONWebKeySet;
}

export function createTokenVerifier(keys: VerifierKeys, opts: { hs256With?: 'node' | 'jose' } = {}): TokenVerifier {
  const secret = keys.secret === undefined ? undefined : Buffer.from(keys.secret);
  const joseHs256 = opts.hs256With === 'jose'; // the reference the node:crypto path is tested against
  const jwks = keys.jwks ? createLocalJWKSet(keys.jwks) : undefined;
  return {
    async verify(token: string): Promise<VerifyResult> {
      if (typeof token !== 'string' || token.length > MAX_TOKEN_CHARS) return { ok: false, reason: 'malformed token' };
      const header = protectedHeader(token);
      if (!header) return { ok: false, reason: 'malformed token' };
      const alg = header.alg;
      try {
        if (alg === 'HS256' && secret && !joseHs256) {
          const r = verifyHs256(token, header, secret);
          return r.ok ? claimsOf(r.payload) : r;
        }
        if (alg === 'HS256' && secret) return claimsOf((await jwtVerify(token, secret, { algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] })).payload);
        if (jwks && (ASYMMETRIC_ALGS as readonly unknown[]).includes(alg)) {
          return claimsOf((await jwtVerify(token, jwks, { algorithms: [...ASYMMETRIC_ALGS], requiredClaims: ['exp', 'sub'] })).payload);
        }
        return { ok: false, reason: `unsupported alg (accepted: ${[...(secret ? ['HS256'] : []), ...(jwks ? ASYMMETRIC_ALGS : [])].join(', ')})` };
      } catch (err) {
        return { ok: false, reason: reasonOf(err) };
      }
    },
  };
}

/** The token's protected header, as jose's decodeProtectedHeader reads it (3 or 5 parts, a JSON
 * object in UTF-8) but stricter on its base64url (no padding, no white space, as RFC 7515 asks),
 * and without its cost on every connect: undefined when malformed. */
function protectedHeader(token: string): Record<string, unknown> | undefined {
  const parts = token.split('.').length;
  const encoded = token.slice(0, token.indexOf('.'));
  if ((parts !== 3 && parts !== 5) || encoded.length === 0 || !isBase64url(encoded)) return undefined;
  const bytes = Buffer.from(encoded, 'base64url');
  if (!isUtf8(bytes)) return undefined;
  try {
    const header: unknown = JSON.parse(bytes.toString());
    return typeof header === 'object' && header !== null && !Array.isArray(header) ? (header as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function claimsOf(p: JWTPayload): VerifyResult {
  if (typeof p.sub !== 'string' || p.sub.length === 0 || p.sub.length > 64) return { ok: false, reason: 'sub missing' };
  const rooms = (p as { rooms?: unknown }).rooms;
  if (rooms !== undefined && !(Array.isArray(rooms) && rooms.every((r) => typeof r === 'string'))) {
    return { ok: false, reason: 'rooms claim must be a list of strings' };
  }
  const claims: TokenClaims = { sub: p.sub, exp: p.exp! };
  if (rooms) claims.rooms = rooms as string[];
  return { ok: true, claims };
}

function reasonOf(err: unknown): string {
  if (err instanceof errors.JWTExpired) return 'token expired';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'bad signature';
  if (err instanceof errors.JWKSNoMatchingKey) return 'no key in the JWKS matches the token';
  if (err instanceof errors.JWTClaimValidationFailed) return `${err.claim} ${err.reason === 'missing' ? 'missing' : 'invalid'}`;
  if (err instanceof errors.JOSEAlgNotAllowed) return 'unsupported alg';
  return 'malformed token';
}
