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
  bus: string; // redis://HOST:PORT: rooms span every server on that Redis (docs/cluster.md); '' = none
  nodeId: string; // this server's name on the bus ('' = host-pid-random)
  busHistory: number; // messages a room's Redis stream keeps (approximately: MAXLEN ~)
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
  bus: '',
  nodeId: '',
  busHistory: 10_000,
};

export function makeConfig(overrides: Partial<ServerConfig> = {}): ServerConfig {
  const merged = { ...DEFAULT_CONFIG, ...overrides };
  if (overrides.secret === undefined && process.env.CHATBENCH_SECRET) merged.secret = process.env.CHATBENCH_SECRET;
  if (merged.devLogin && merged.secret !== DEV_SECRET && !merged.devLoginWithRealSecret) {
    throw new ConfigError('refusing --dev-login with a real secret: anyone could get a token for any user name. Add --dev-login-with-real-secret if that is really what you want');
  }
  if (merged.bus && !/^redis:\/\/[^/\s]+(\/\d+)?$/.test(merged.bus)) throw new ConfigError(`--bus ${merged.bus}: expected redis://HOST:PORT`);
  // the node id travels in every bus message as `node|conn`: no separator, nothing to escape
  if (merged.nodeId && !/^[A-Za-z0-9._-]{1,64}$/.test(merged.nodeId)) throw new ConfigError(`--node-id ${merged.nodeId}: expected 1-64 of A-Z a-z 0-9 . _ -`);
  return merged;
}

/** HS256 is accepted with the development secret only when no JWKS says where real tokens come
 * from: with --jwks and no --secret, a token signed with the public development secret is refused. */
export function hs256Secret(config: ServerConfig): string | undefined {
  return config.jwks && config.secret === DEV_SECRET ? undefined : config.secret;
}

export class ConfigError extends Error {}
