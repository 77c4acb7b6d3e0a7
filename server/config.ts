// Server options: one definition, shared by every variant and by `chatbench serve`.
import { DEV_SECRET } from '../protocol/token.js';

import type { VariantName } from '../lib/variants.js';
import type { CoreConfig } from './core/core-config.js';

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
  historyOnJoin: 0,
  authTimeoutMs: 5000,
  pingIntervalMs: 30_000,
  pingTimeoutMs: 10_000,
  rate: 50,
  burst: 100,
  abuseStrikes: 100,
  maxFrameBytes: 65_536,
  maxBodyBytes: 8192,
  maxRoomsPerConn: 32,
  maxConnsPerIp: 0,
  maxQueueBytes: 1_048_576,
  slowConsumer: 'disconnect',
  logLevel: 'warn',
  devLogin: false,
  devLoginWithRealSecret: false,
  injectLatencyMs: 0,
  injectCpuUs: 0,
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
