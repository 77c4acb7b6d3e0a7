// Token verification (jose): HS256 with the secret, RS256/ES256/EdDSA against a JWKS, and the
// attacks a hand-written verifier gets wrong: alg none, algorithm confusion, expired, forged.
import { createHmac, generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEV_SECRET, roomAllowed, signingKey, signToken, signTokenWithKey } from '../protocol/token.js';
import { createTokenVerifier } from '../server/auth/token-verifier.js';
import { seededRandom } from '../ci/stats.js';
import { ConfigError, hs256Secret, makeConfig } from '../server/config.js';
import { isLoopback } from '../server/http.js';
import { startTestServer } from './helpers/server.js';

const secret = 'test-secret';
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

function keyPair(type: 'ec' | 'rsa' | 'ed25519', kid: string) {
  const { privateKey, publicKey } =
    type === 'ec' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : type === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ed25519');
  return { priv: { ...privateKey.export({ format: 'jwk' }), kid }, pub: { ...publicKey.export({ format: 'jwk' }), kid } };
}

describe('token verification', () => {
  const es = keyPair('ec', 'es-1');
  const rs = keyPair('rsa', 'rs-1');
  const ed = keyPair('ed25519', 'ed-1');
  const jwks = { keys: [es.pub, rs.pub, ed.pub] } as never;

  it('accepts a good HS256 token and reads its claims', async () => {
    const r = await createTokenVerifier({ secret }).verify(signToken({ sub: 'alice', rooms: ['team-*'] }, secret));
    expect(r.ok).toBe(true);
    if (r.ok) {
      expect(r.claims.sub).toBe('alice');
      expect(roomAllowed(r.claims, 'team-a')).toBe(true);
      expect(roomAllowed(r.claims, 'other')).toBe(false);
    }
  });

  it('refuses forged, expired, alg:none and malformed tokens', async () => {
    const v = createTokenVerifier({ secret });
    const good = signToken({ sub: 'alice' }, secret);
    expect(await v.verify(signToken({ sub: 'alice' }, 'other-secret'))).toEqual({ ok: false, reason: 'bad signature' });
    expect(await v.verify(signToken({ sub: 'a', exp: 1000 }, secret))).toEqual({ ok: false, reason: 'token expired' });
    const payload = good.split('.')[1]!;
    expect(await v.verify(`${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`)).toMatchObject({ ok: false, reason: expect.stringMatching(/^unsupported alg/) });
    expect(await v.verify(`${b64({ alg: 'HS256' })}.${b64({ exp: 2e9 })}.x`)).toMatchObject({ ok: false });
    expect((await v.verify('a.b')).ok).toBe(false);
    expect((await v.verify('!!.??.##')).ok).toBe(false);
    expect((await v.verify('x'.repeat(5000))).ok).toBe(false);
    // the protected header: a JSON object in UTF-8, unpadded base64url, in a token of 3 or 5 parts
    const [, p, sig] = good.split('.') as [string, string, string];
    const malformed = { ok: false, reason: 'malformed token' };
    for (const header of ['WzFd' /* [1] */, 'bnVsbA' /* null */, '_w' /* 0xff */, `${b64({ alg: 'HS256' })}==`, '']) {
      expect(await v.verify(`${header}.${p}.${sig}`), header).toEqual(malformed);
    }
    expect(await v.verify(`${good}.x`)).toEqual(malformed);
  });

  it('checks HS256 with node:crypto exactly as jose does: the same answer for every token', async () => {
    const fast = createTokenVerifier({ secret });
    const jose = createTokenVerifier({ secret }, { hs256With: 'jose' });
    const now = Math.floor(Date.now() / 1000);
    const hs = (header: unknown, payload: unknown, key = secret) => {
      const body = `${b64(header)}.${typeof payload === 'string' ? Buffer.from(payload).toString('base64url') : b64(payload)}`;
      return `${body}.${createHmac('sha256', key).update(body).digest('base64url')}`;
    };
    const H = { alg: 'HS256', typ: 'JWT' };
    const good = signToken({ sub: 'alice' }, secret);
    const [h, p, s] = good.split('.') as [string, string, string];
    const tokens = [
      good,
      signToken({ sub: 'alice', rooms: ['a', 'b*'] }, secret),
      signToken({ sub: 'alice' }, 'other-secret'),
      signToken({ sub: 'a', exp: 1000 }, secret),
      signToken({ sub: 'a', exp: now }, secret), // expires this second: expired for both
      hs(H, { sub: 'a' }),
      hs(H, { exp: now + 60 }),
      hs(H, { sub: 'a', exp: String(now + 60) }),
      hs(H, { sub: 'a', exp: now + 60, nbf: now + 30 }),
      hs(H, { sub: 'a', exp: now + 60, nbf: now - 30, iat: now }),
      hs(H, { sub: 'a', exp: now + 60, iat: 'yesterday' }),
      hs(H, { sub: 'a', exp: now + 60, nbf: 'soon' }),
      hs(H, { sub: 5, exp: now + 60 }),
      hs(H, { sub: '', exp: now + 60 }),
      hs(H, { sub: 'a', exp: now + 60, rooms: 'all' }),
      hs(H, '[1,2]'),
      hs(H, 'not json'),
      hs(H, 'null'),
      hs({ ...H, crit: ['exp'] }, { sub: 'a', exp: now + 60 }),
      `${h}.${p}.${s.slice(0, -2)}`, // a short signature
      `${h}.${p}.${s}==`, // padding is not base64url
      `${h}.${p}.${s.slice(0, 10)}!${s.slice(11)}`,
      `${h}.${p}x.${s}`,
      `${h}.${p}.${s}.extra`,
      `${h}..${s}`,
    ];
    // and 500 random mutations of good tokens: a character replaced, dropped or added anywhere
    const random = seededRandom(14);
    const alphabet = 'AZaz09-_.=+/!eyJ';
    for (let i = 0; i < 500; i++) {
      const t = tokens[i % 3]!;
      const at = Math.floor(random() * t.length);
      const c = alphabet[Math.floor(random() * alphabet.length)]!;
      const op = Math.floor(random() * 3);
      tokens.push(op === 0 ? t.slice(0, at) + c + t.slice(at + 1) : op === 1 ? t.slice(0, at) + t.slice(at + 1) : t.slice(0, at) + c + t.slice(at));
    }
    for (const t of tokens) expect(await fast.verify(t), t).toEqual(await jose.verify(t));
  });

  it('accepts ES256, RS256 and EdDSA tokens against a JWKS', async () => {
    const v = createTokenVerifier({ jwks });
    for (const k of [es, rs, ed]) {
      const r = await v.verify(signTokenWithKey({ sub: `by-${k.priv.kid}` }, signingKey(k.priv)));
      expect(r, k.priv.kid).toMatchObject({ ok: true, claims: { sub: `by-${k.priv.kid}` } });
    }
    const stranger = keyPair('ec', 'es-1'); // same kid, another key: a forgery
    expect(await v.verify(signTokenWithKey({ sub: 'mallory' }, signingKey(stranger.priv)))).toMatchObject({ ok: false });
  });

  it('refuses algorithm confusion: an HS256 token keyed with the public key', async () => {
    // the classic attack: the verifier is told "HS256" and uses the public key as the HMAC secret
    const publicAsSecret = JSON.stringify(rs.pub);
    const forged = signToken({ sub: 'mallory' }, publicAsSecret);
    expect(await createTokenVerifier({ jwks }).verify(forged)).toMatchObject({ ok: false, reason: expect.stringMatching(/^unsupported alg/) });
    // and with a secret configured too, the HMAC check (with the real secret) fails
    expect(await createTokenVerifier({ secret, jwks }).verify(forged)).toEqual({ ok: false, reason: 'bad signature' });
  });

  it('with a JWKS and no real secret, refuses tokens signed with the public development secret', async () => {
    const config = makeConfig({ jwks: 'keys.json', secret: DEV_SECRET });
    expect(hs256Secret(config)).toBeUndefined();
    expect(hs256Secret(makeConfig({ secret: DEV_SECRET }))).toBe(DEV_SECRET);
  });
});

describe('a server with --jwks, no secret and default options', () => {
  it('lets in ES256 tokens from the JWKS only, gives no dev login, serves /metrics to loopback', async () => {
    const k = keyPair('ec', 'idp-1');
    const dir = mkdtempSync(join(tmpdir(), 'chatbench-jwks-'));
    writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [k.pub] }));
    const t = await startTestServer('callback', { jwks: join(dir, 'jwks.json'), secret: DEV_SECRET });
    try {
      const open = (tok: string) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`${t.ws}?token=${tok}`);
          ws.on('message', (d) => {
            resolve(String(d));
            ws.close();
          });
          ws.on('unexpected-response', (_req, res) => resolve(`HTTP ${res.statusCode}`));
          ws.on('error', () => undefined);
        });
      expect(JSON.parse(await open(signTokenWithKey({ sub: 'idp-user' }, signingKey(k.priv))))).toMatchObject({ type: 'ready', user: 'idp-user' });
      expect(await open(signToken({ sub: 'mallory' }, DEV_SECRET))).toBe('HTTP 401');
      expect((await fetch(`${t.http}/login`, { method: 'POST', body: '{"user":"mallory"}' })).status).toBe(404);
      expect((await fetch(`${t.http}/metrics`)).status).toBe(200);
    } finally {
      await t.close();
    }
    const off = await startTestServer('coroutine', { metrics: 'off' });
    try {
      expect((await fetch(`${off.http}/metrics`)).status).toBe(404);
    } finally {
      await off.close();
    }
  });

  it('counts only this host as loopback for --metrics loopback', () => {
    for (const a of ['127.0.0.1', '127.4.5.6', '::1', '::ffff:127.0.0.1']) expect(isLoopback(a), a).toBe(true);
    for (const a of ['10.0.0.5', '192.0.2.2', '::ffff:10.0.0.5', 'fd00::2', undefined]) expect(isLoopback(a), String(a)).toBe(false);
  });

  it('refuses --dev-login with a real secret unless told twice', () => {
    expect(() => makeConfig({ devLogin: true, secret: 'real-secret' })).toThrow(ConfigError);
    expect(() => makeConfig({ devLogin: true, secret: 'real-secret' })).toThrow(/refusing --dev-login with a real secret/);
    expect(makeConfig({ devLogin: true, secret: 'real-secret', devLoginWithRealSecret: true }).devLogin).toBe(true);
    expect(makeConfig({ devLogin: true, secret: DEV_SECRET }).devLogin).toBe(true);
  });
});
