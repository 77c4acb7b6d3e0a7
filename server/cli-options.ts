// `chatbench serve` flags ↔ ServerConfig, in one table, so validation and help text agree.
import { parseDuration } from '../lib/duration.js';
import { VARIANTS, type ServerConfig } from './config.js';

type Kind = { type: 'int'; min: number } | { type: 'number'; min: number } | { type: 'ms' } | { type: 'string' } | { type: 'bool' } | { type: 'enum'; values: readonly string[] };

interface Flag {
  key: keyof ServerConfig;
  kind: Kind;
  help: string;
}

export const SERVER_FLAGS: Record<string, Flag> = {
  variant: { key: 'variant', kind: { type: 'enum', values: VARIANTS }, help: 'concurrency style' },
  host: { key: 'host', kind: { type: 'string' }, help: 'address to listen on' },
  port: { key: 'port', kind: { type: 'int', min: 0 }, help: 'port (0 = any free port, printed)' },
  threads: { key: 'threads', kind: { type: 'int', min: 1 }, help: 'worker threads (workers variant)' },
  secret: { key: 'secret', kind: { type: 'string' }, help: 'JWT HS256 secret (or CHATBENCH_SECRET)' },
  jwks: { key: 'jwks', kind: { type: 'string' }, help: 'JWKS file: public keys for RS256/ES256/EdDSA tokens' },
  metrics: { key: 'metrics', kind: { type: 'enum', values: ['public', 'loopback', 'off'] }, help: 'who may GET /metrics (default loopback)' },
  persist: { key: 'persist', kind: { type: 'enum', values: ['sqlite', 'none'] }, help: 'message persistence' },
  db: { key: 'db', kind: { type: 'string' }, help: 'SQLite file or :memory:' },
  'sqlite-sync': { key: 'sqliteSync', kind: { type: 'enum', values: ['full', 'normal', 'off'] }, help: 'SQLite synchronous pragma' },
  'commit-interval': { key: 'commitIntervalMs', kind: { type: 'ms' }, help: 'group-commit interval' },
  'commit-batch': { key: 'commitBatch', kind: { type: 'int', min: 1 }, help: 'group-commit batch size' },
  'history-on-join': { key: 'historyOnJoin', kind: { type: 'int', min: 0 }, help: 'messages of history in `joined` by default' },
  'auth-timeout': { key: 'authTimeoutMs', kind: { type: 'ms' }, help: 'time allowed to authenticate' },
  'ping-interval': { key: 'pingIntervalMs', kind: { type: 'ms' }, help: 'server ping interval' },
  'ping-timeout': { key: 'pingTimeoutMs', kind: { type: 'ms' }, help: 'close when a pong is this late' },
  rate: { key: 'rate', kind: { type: 'int', min: 1 }, help: 'messages/s per user (token bucket)' },
  burst: { key: 'burst', kind: { type: 'int', min: 1 }, help: 'token bucket size' },
  'abuse-strikes': { key: 'abuseStrikes', kind: { type: 'int', min: 1 }, help: 'consecutive RATE_LIMITED before close 1008' },
  'max-frame-bytes': { key: 'maxFrameBytes', kind: { type: 'int', min: 64 }, help: 'largest frame (close 1009 beyond)' },
  'max-body-bytes': { key: 'maxBodyBytes', kind: { type: 'int', min: 1 }, help: 'largest message body (TOO_LARGE beyond)' },
  'max-rooms-per-conn': { key: 'maxRoomsPerConn', kind: { type: 'int', min: 1 }, help: 'rooms one connection may join' },
  'max-conns-per-ip': { key: 'maxConnsPerIp', kind: { type: 'int', min: 0 }, help: 'connections per client IP (0 = no limit)' },
  'max-queue-bytes': { key: 'maxQueueBytes', kind: { type: 'int', min: 1024 }, help: 'outgoing queue bound per connection' },
  'slow-consumer': { key: 'slowConsumer', kind: { type: 'enum', values: ['disconnect', 'drop-oldest'] }, help: 'policy when the queue is full' },
  'log-level': { key: 'logLevel', kind: { type: 'enum', values: ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] }, help: 'pino log level' },
  'dev-login': { key: 'devLogin', kind: { type: 'bool' }, help: 'INSECURE: POST /login gives a token for any user name' },
  'dev-login-with-real-secret': { key: 'devLoginWithRealSecret', kind: { type: 'bool' }, help: 'allow --dev-login with a real --secret' },
  bus: { key: 'bus', kind: { type: 'string' }, help: 'redis://HOST:PORT: share rooms with every server on this Redis (docs/cluster.md)' },
  'node-id': { key: 'nodeId', kind: { type: 'string' }, help: 'this server\'s name on the bus (default host-pid-random)' },
  'bus-history': { key: 'busHistory', kind: { type: 'int', min: 1 }, help: 'messages a room keeps in Redis (stream MAXLEN ~)' },
  'inject-latency-ms': { key: 'injectLatencyMs', kind: { type: 'int', min: 0 }, help: 'FAULT INJECTION: delay every delivery' },
  'inject-cpu-us': { key: 'injectCpuUs', kind: { type: 'number', min: 0 }, help: 'FAULT INJECTION: burn N µs of CPU per delivery (fractions too: 0.8)' },
};

/** Parse `--flag value` / `--no-flag` arguments into config overrides; every problem is reported. */
export function parseServerArgs(args: string[]): Partial<ServerConfig> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      problems.push(`unexpected argument ${arg}`);
      continue;
    }
    let name = arg.slice(2);
    let value: string | undefined;
    const eq = name.indexOf('=');
    if (eq >= 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const negated = name.startsWith('no-') && SERVER_FLAGS[name.slice(3)]?.kind.type === 'bool';
    const flag = SERVER_FLAGS[negated ? name.slice(3) : name];
    if (!flag) {
      problems.push(`unknown option --${name}`);
      continue;
    }
    if (flag.kind.type === 'bool') {
      out[flag.key] = !negated;
      continue;
    }
    value ??= args[++i];
    if (value === undefined) {
      problems.push(`--${name} needs a value`);
      continue;
    }
    const parsed = convert(flag.kind, value);
    if (parsed === undefined) problems.push(`--${name} ${value}: expected ${describe(flag.kind)}`);
    else out[flag.key] = parsed;
  }
  if (problems.length) throw new Error(`chatbench serve: ${problems.join('; ')}`);
  return out as Partial<ServerConfig>;
}

function convert(kind: Kind, v: string): unknown {
  switch (kind.type) {
    case 'int': {
      const n = Number(v);
      return Number.isInteger(n) && n >= kind.min ? n : undefined;
    }
    case 'number': {
      const n = Number(v);
      return Number.isFinite(n) && n >= kind.min ? n : undefined;
    }
    case 'ms':
      return /^\d+(\.\d+)?$/.test(v) ? Number(v) : parseDuration(v);
    case 'enum':
      return kind.values.includes(v) ? v : undefined;
    default:
      return v;
  }
}

function describe(kind: Kind): string {
  switch (kind.type) {
    case 'int': return `an integer ≥ ${kind.min}`;
    case 'number': return `a number ≥ ${kind.min}`;
    case 'ms': return 'milliseconds or a duration like 5s';
    case 'enum': return `one of ${kind.values.join(', ')}`;
    default: return 'a value';
  }
}

export function serverHelp(): string {
  return Object.entries(SERVER_FLAGS)
    .map(([name, f]) => `      ${`--${name}`.padEnd(34)} ${f.help}`)
    .join('\n');
}
