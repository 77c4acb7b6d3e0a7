// Server options: one definition, shared by every variant and by `chatbench serve`.
import { DEV_SECRET } from '../protocol/token.js';

import type { VariantName } from '../lib/variants.js';
import { CORE_DEFAULTS, type CoreConfig } from './core/core-config.js';

export { VARIANTS, type VariantName } from '../lib/variants.js';

export interface ServerConfig extends CoreConfig {
  variant: VariantName;
  host: string;
  port: number;
  threads: number; // workers variant only
  secret: string;
  jwks: string; // JWKS file of public keys (RS256/ES256/EdDSA tokens); '' = none
  metrics: 'public' | 'loopback' | 'off'; // who may GET /metrics
  persist: 'sqlite' | 'none';
  db: string; // file path or ':memory:'
  sqliteSync: 'full' | 'normal' | 'off';
  commitIntervalMs: number;
  commitBatch: number;
  maxFrameBytes: number;
  logLevel: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';
  devLogin: boolean; // POST /login mints a token for any user name: development only
  devLoginWithRealSecret: boolean; // …even with a real secret (refused otherwise)
}

export const DEFAULT_CONFIG: ServerConfig = {
  ...CORE_DEFAULTS,
  variant: 'coroutine',
  host: '127.0.0.1',
  port: 8080,
  threads: 2,
  secret: DEV_SECRET,
  jwks: '',
  metrics: 'loopback',
  persist: 'sqlite',
  db: ':memory:',
  sqliteSync: 'normal',
  commitIntervalMs: 5,
  commitBatch: 512,
  maxFrameBytes: 65_536,
  logLevel: 'warn',
  devLogin: false,
  devLoginWithRealSecret: false,
};

export function makeConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  const merged = { ...DEFAULT_CONFIG, ...overrides };
  if (overrides.secret === undefined && process.env.CHATBENCH_SECRET) merged.secret = process.env.CHATBENCH_SECRET;
  if (merged.devLogin && merged.secret !== DEV_SECRET && !merged.devLoginWithRealSecret) {
    throw new ConfigError('refusing --dev-login with a real secret: anyone could get a token for any user name. Add --dev-login-with-real-secret if that is really what you want');
  }
  return merged;
}

/** HS256 is accepted with the development secret only when no JWKS says where real tokens come
 * from: with --jwks and no --secret, a token signed with the public development secret is refused. */
export function hs256Secret(config: ServerConfig): string | undefined {
  return config.jwks && config.secret === DEV_SECRET ? undefined : config.secret;
}

export class ConfigError extends Error {}
