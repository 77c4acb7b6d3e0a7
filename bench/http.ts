// npm run bench:http — the server's HTTP side under autocannon, the three variants side by side
// in one run: health checks, the history endpoint (SQLite reads of a room that holds messages),
// Prometheus metrics and the development login. autocannon runs in this process on the same 2
// cores as the server, so these are figures of the pair, and its own CPU is printed beside them.
import autocannon from 'autocannon';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runScenario } from '../loadgen/coordinator/run.js';
import { parseScenario } from '../loadgen/scenario/parse.js';
import { startEmbeddedServer } from '../loadgen/coordinator/server-process.js';
import { VARIANTS } from '../server/config.js';
import { signToken } from '../protocol/token.js';

const SECRET = 'bench-secret';
const SECONDS = 5;
const CONNECTIONS = 50;

interface Endpoint {
  name: string;
  path: string;
  method?: 'GET' | 'POST';
  body?: string;
}

const ENDPOINTS: Endpoint[] = [
  { name: 'GET /healthz', path: '/healthz' },
  { name: 'GET /rooms/r0/history?limit=50 (token verified)', path: `/rooms/r0/history?limit=50&token=${signToken({ sub: 'bench', ttlSec: 3600 }, SECRET)}` },
  { name: 'GET /metrics', path: '/metrics' },
  { name: 'POST /login (--dev-login)', path: '/login', method: 'POST', body: '{"user":"bench"}' },
];

interface Figure {
  rps: number;
  p50: number;
  p99: number;
  failed: number; // errors, timeouts and non-2xx answers
  benchCpuPct: number;
}

async function hammer(url: string, e: Endpoint): Promise<Figure> {
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const r = await autocannon({ url: url + e.path, method: e.method ?? 'GET', ...(e.body ? { body: e.body, headers: { 'content-type': 'application/json' } } : {}), connections: CONNECTIONS, duration: SECONDS });
  const cpu = process.cpuUsage(cpu0);
  const wallUs = Number(process.hrtime.bigint() - t0) / 1e3;
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, failed: r.errors + r.timeouts + r.non2xx, benchCpuPct: (100 * (cpu.user + cpu.system)) / wallUs };
}

async function main(): Promise<void> {
  const figures = new Map<string, Figure[]>(ENDPOINTS.map((e) => [e.name, []]));
  for (const variant of VARIANTS) {
    const db = join(mkdtempSync(join(tmpdir(), 'chatbench-http-')), 'chat.db');
    const server = await startEmbeddedServer(variant, { secret: SECRET, db, rate: 100_000, burst: 100_000, 'dev-login': true, 'dev-login-with-real-secret': true }, () => {});
    try {
      // a room with history: 20 members sending 25 messages/s each for 4 s (≈ 2,000 stored)
      const seed = parseScenario('name: seed\nclients: 20\nrampUp: 1s\nduration: 4s\ndrain: 1s\nrooms: {size: 20}\nmessageRate: 25\n', 'seed.yaml');
      const seeded = await runScenario({ scenario: seed, target: server.wsUrl, secret: SECRET, log: () => {} });
      console.error(`${variant}: ${seeded.messages.acked} messages stored in r0; autocannon ${CONNECTIONS} connections × ${SECONDS} s per endpoint`);
      for (const e of ENDPOINTS) figures.get(e.name)!.push(await hammer(server.url, e));
    } finally {
      await server.stop();
    }
  }
  const cols = VARIANTS.map((v) => ` ${v} |`).join('');
  const lines = [
    `## The server's HTTP endpoints under autocannon (${CONNECTIONS} connections, ${SECONDS} s each)`,
    '',
    `| endpoint | figure |${cols}`,
    `|---|---|${VARIANTS.map(() => '---:|').join('')}`,
  ];
  for (const e of ENDPOINTS) {
    const fs = figures.get(e.name)!;
    const ratio = (v: number, base: number) => (base ? ` (${(v / base).toFixed(2)}×)` : '');
    lines.push(`| ${e.name} | requests/s |${fs.map((f) => ` ${Math.round(f.rps).toLocaleString('en-US')}${ratio(f.rps, fs[0]!.rps)} |`).join('')}`);
    lines.push(`| | latency p50 / p99 ms |${fs.map((f) => ` ${f.p50} / ${f.p99} |`).join('')}`);
    lines.push(`| | failed requests |${fs.map((f) => ` ${f.failed} |`).join('')}`);
    lines.push(`| | autocannon CPU % of a core |${fs.map((f) => ` ${Math.round(f.benchCpuPct)} |`).join('')}`);
  }
  lines.push('', 'Ratios are to the first variant. coroutine and callback share every line of the HTTP path (server/http.ts, server/host.ts): a difference between them is run-to-run noise, and the variants run one after another, not interleaved. The workers variant serves HTTP from every chat thread (one shared listening socket): history reads the shared SQLite file in whichever thread accepted the request, and /metrics gathers every thread through the main thread.');
  console.log(lines.join('\n'));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
