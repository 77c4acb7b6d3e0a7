// Keys for clients that sign their tokens like an identity provider's users (RS256, ES256,
// EdDSA): a fresh key pair per run for embedded servers (its public half as a JWKS file the
// servers load with --jwks), or a private JWK the user gives for a --target.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export type AsymmetricAlg = 'RS256' | 'ES256' | 'EdDSA';

export interface RunKeys {
  privateJwk: JsonWebKey & { kid: string };
  jwksFile: string;
}

export function freshKeys(alg: AsymmetricAlg): RunKeys {
  const { privateKey, publicKey }: { privateKey: KeyObject; publicKey: KeyObject } =
    alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' }) : generateKeyPairSync('ed25519');
  const kid = `chatbench-${alg.toLowerCase()}-${Date.now().toString(36)}`;
  const dir = mkdtempSync(join(tmpdir(), 'chatbench-keys-'));
  const jwksFile = join(dir, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...publicKey.export({ format: 'jwk' }), kid, alg, use: 'sig' }] }));
  return { privateJwk: { ...privateKey.export({ format: 'jwk' }), kid }, jwksFile };
}

export function readPrivateJwk(file: string): JsonWebKey {
  const jwk = JSON.parse(readFileSync(file, 'utf8')) as JsonWebKey;
  if (!jwk.d) throw new Error(`--token-key ${file}: expected a private JWK (with "d")`);
  return jwk;
}
