// `chatbench run`: one scenario against embedded servers (started here) or --target servers.
import { connect } from 'node:net';
import { monoUs } from '../clock.js';
import { runGenerators, type SecondAggregate } from './generators.js';
import { createExecutor } from '../executors/registry.js';
import { buildResult } from './result-builder.js';
import { sampleServers, type ServerEndpoint, type ServerSample } from './probe/server-probe.js';
import { startEmbeddedServer, type EmbeddedServer, type ServerBuild } from './server-process.js';
import type { Scenario } from '../scenario/schema.js';
import type { Target, WorkerPlan } from '../worker/messages.js';
import type { Result } from '../../results/schema.js';
import { DEV_SECRET } from '../../protocol/token.js';
import { freshKeys, readPrivateJwk } from './auth-keys.js';

export const CLIENTS_PER_PROCESS = 12_500; // well under the 20,000 open files a process may hold
/** Binding to port 0 on one address gets slow (kernel time) as its ~28k ports fill; measured here:
 * fine at 3k per address, the generator stalled for seconds at ~7k. */
export const CLIENTS_PER_ADDRESS = 3_000;

export interface RunOptions {
  scenario: Scenario;
  scenarioFile?: string;
  variant?: string;
  /** ws://host:port[/path], or several separated by commas (rooms are spread over them). */
  target?: string;
  secret?: string;
  /** A private JWK file: clients sign RS256/ES256/EdDSA tokens with it (for a --target). */
  tokenKey?: string;
  /** Embedded servers only: which build and extra flags (default: this checkout's, none). */
  server?: ServerBuild;
  log: (line: string) => void;
  progress?: (s: SecondAggregate, totalSec: number) => void;
}

export class TargetUnreachableError extends Error {}

export async function runScenario(o: RunOptions): Promise<Result> {
  const { scenario } = o;
  const secret = o.secret ?? process.env.CHATBENCH_SECRET ?? DEV_SECRET;
  const exec = createExecutor(scenario);
  const variant = o.target ? 'external' : (o.variant ?? scenario.variant);
  const embedded: EmbeddedServer[] = [];
  let urls: URL[];
  let tokenKey: JsonWebKey | undefined = o.tokenKey ? readPrivateJwk(o.tokenKey) : undefined;
  try {
    if (o.target) {
      if (scenario.auth !== 'HS256' && !tokenKey) throw new TargetUnreachableError(`scenario auth ${scenario.auth} against --target needs --token-key FILE (the private JWK whose public half the server trusts)`);
      urls = o.target.split(',').map((t) => parseTarget(t.trim()));
      for (const u of urls) await checkReachable(u);
    } else {
      const keys = scenario.auth !== 'HS256' && !tokenKey ? freshKeys(scenario.auth) : undefined;
      if (keys) tokenKey = keys.privateJwk;
      const options = { secret, ...(keys ? { jwks: keys.jwksFile } : {}), ...scenario.server };
      for (let i = 0; i < scenario.servers; i++) embedded.push(await startEmbeddedServer(variant, options, o.log, o.server));
      urls = embedded.map((s) => new URL(s.wsUrl));
      o.log(`embedded server${embedded.length > 1 ? 's' : ''} (${variant}): ${embedded.map((s) => `pid ${s.pid} on ${s.url}`).join(', ')}`);
    }
    const servers: ServerEndpoint[] = urls.map((u, i) => ({ url: `http://${u.host}`, ...(embedded[i] ? { pid: embedded[i].pid } : {}) }));
    const targets: Target[] = urls.map((u) => ({ host: u.hostname, port: Number(u.port || 80), path: u.pathname + u.search }));
    const processes = scenario.generators ?? Math.max(1, Math.ceil(exec.clients / CLIENTS_PER_PROCESS));
    const loopback = urls.every((u) => isLoopback(u.hostname));
    const perAddress = Math.ceil(exec.clients / processes / CLIENTS_PER_ADDRESS);
    const sources = loopback ? sourceAddresses(processes * perAddress) : [];
    const plans: WorkerPlan[] = Array.from({ length: processes }, (_, w) => ({
      worker: w,
      workers: processes,
      targets,
      localAddresses: sources.slice(w * perAddress, (w + 1) * perAddress),
      secret,
      ...(tokenKey ? { tokenKey } : {}),
      scenario,
    }));
    const samples: ServerSample[] = [];
    const warned = new Set<string>();
    const keep = (s: ServerSample) => {
      for (const p of s.problems ?? []) {
        if (warned.has(p.url)) continue;
        warned.add(p.url);
        o.log(`note: no server figures from ${p.url}/metrics (${p.why}); measuring without them`);
      }
      samples.push(s);
    };
    const probe = setInterval(() => void sampleServers(servers, monoUs()).then(keep), 1000);
    keep(await sampleServers(servers, monoUs()));
    const startedAt = new Date();
    const wall0 = monoUs();
    o.log(`running ${scenario.name} (${exec.type}): ${exec.clients} clients in ${processes} generator process(es) against ${urls.map((u) => u.href).join(', ')}`);
    let outcome;
    try {
      outcome = await runGenerators(plans, (s) => o.progress?.(s, exec.durationMs / 1000));
    } finally {
      clearInterval(probe);
    }
    keep(await sampleServers(servers, monoUs()));
    return buildResult({
      scenario,
      ...(o.scenarioFile ? { scenarioFile: o.scenarioFile } : {}),
      variant,
      target: urls.map((u) => u.href).join(','),
      startedAt,
      wallSec: (monoUs() - wall0) / 1e6,
      outcome,
      samples,
      executor: exec,
      serverPids: embedded.map((s) => s.pid),
      processes,
    });
  } finally {
    for (const s of embedded) {
      const code = await s.stop();
      if (code !== 0) o.log(`warning: embedded server pid ${s.pid} exited with code ${code}`);
    }
  }
}

function parseTarget(target: string): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new TargetUnreachableError(`--target ${target}: not a URL; expected ws://HOST:PORT[/PATH]`);
  }
  if (url.protocol !== 'ws:') throw new TargetUnreachableError(`--target ${target}: only ws:// targets are supported`);
  return url;
}

/** Loopback source addresses, drawn fresh for every run from 127.1.0.0–127.254.255.255: sockets
 * an earlier run left in TIME_WAIT (60 s) keep their ports on the addresses that run used, and
 * binding next to thousands of them is slow. */
export function sourceAddresses(count: number): string[] {
  const a = 1 + Math.floor(Math.random() * 254);
  const b = Math.floor(Math.random() * 256);
  return Array.from({ length: count }, (_, k) => `127.${a}.${(b + Math.floor(k / 250)) % 256}.${2 + (k % 250)}`);
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.startsWith('127.');
}

function checkReachable(url: URL): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port || 80), timeout: 3000 });
    socket.once('connect', () => {
      socket.destroy();
      resolve();
    });
    socket.once('timeout', () => {
      socket.destroy();
      reject(new TargetUnreachableError(`cannot reach ${url.href}: no answer within 3 s`));
    });
    socket.once('error', (err: NodeJS.ErrnoException) =>
      reject(new TargetUnreachableError(`cannot reach ${url.href}: ${err.code ?? err.message} (is the server running?)`)),
    );
  });
}
