// `chatbench run`: one scenario against embedded servers (started here) or --target servers.
import type { ChildProcess } from 'node:child_process';
import { connect } from 'node:net';
import { monoUs } from '../clock.js';
import { forkGenerators, killGenerators, runGenerators, type SecondAggregate } from './generators.js';
import { createExecutor } from '../executors/registry.js';
import { buildResult, steadyWindowMs } from './result-builder.js';
import { sampleServers, type ServerEndpoint, type ServerSample } from './probe/server-probe.js';
import { startEmbeddedServer, type EmbeddedServer, type ServerBuild } from './server-process.js';
import { startCommandServer } from './command-server.js';
import { procTree } from './probe/proc-sampler.js';
import { startDelayProxy, type DelayProxy } from './delay-proxy.js';
import type { Scenario } from '../scenario/schema.js';
import type { Target, WorkerPlan } from '../worker/messages.js';
import type { Result } from '../../results/schema.js';
import { DEV_SECRET } from '../../protocol/token.js';
import { freshKeys, readPrivateJwk } from './auth-keys.js';
import { roomMapper, shardClients, type ShardSpec } from '../worker/population.js';
import { runIdOf, ShardError, startDelay } from './shard.js';
import type { StartPlan } from './generators.js';
import { pin, type Pinning } from './pinning.js';
import { startRedis, type RedisProcess } from './redis-process.js';
import { BusProbe } from './probe/bus-probe.js';
import { sampleHost, type HostSample } from './probe/host-sampler.js';
import { FaultInjector } from './faults.js';
import { TargetUnreachableError } from './target-unreachable.js';

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
  /** Local processes behind the --target URLs (in their order): their RSS and CPU come from /proc,
   * for servers without chatbench's /metrics. */
  targetPids?: number[];
  /** Embedded servers only: which build and extra flags (default: this checkout's, none). */
  server?: ServerBuild;
  /** Run only this shard's rooms (docs/distributed.md); needs a --target. */
  shard?: ShardSpec;
  /** The id the shards of one run share (default: derived from the scenario, the count, startAtMs). */
  runId?: string;
  /** Start the schedule at this wall-clock instant (epoch ms). */
  startAtMs?: number;
  /** How late after startAtMs the schedule may still start (default 2 s). */
  maxLateMs?: number;
  /** Run only this part of the clients (rooms dealt as to shards), as a whole run of its own: the
   * gate's simultaneous rounds give both sides the same half. */
  share?: ShardSpec;
  /** Start when this resolves to the agreed start instant (epoch ms): two runs at one moment. */
  startTogether?: () => Promise<number>;
  /** Deliver everything the servers send this much later, through a proxy of ours: a latency
   * regression made from outside the server (the gate's calibration on any server). */
  delayServerMs?: number;
  /** Generator processes forked ahead (forkGenerators): used first, killed if the run needs fewer. */
  preforked?: ChildProcess[];
  /** Which round of which gate this run is (recorded in the result). */
  gateRound?: { mode: 'simultaneous' | 'sequential'; round: number };
  /** Embedded servers on some cores, the generator on the others (planPinning). */
  pinning?: Pinning;
  log: (line: string) => void;
  progress?: (s: SecondAggregate, totalSec: number) => void;
}

export { TargetUnreachableError };

export async function runScenario(o: RunOptions): Promise<Result> {
  const { scenario } = o;
  const secret = o.secret ?? process.env.CHATBENCH_SECRET ?? DEV_SECRET;
  const exec = createExecutor(scenario);
  const command = o.target ? undefined : o.server?.command;
  const variant = o.target ? 'external' : command ? 'command' : (o.variant ?? scenario.variant);
  const embedded: EmbeddedServer[] = [];
  let redis: RedisProcess | undefined;
  const proxies: DelayProxy[] = [];
  let ownCores: string | undefined;
  if (scenario.faults.length && o.target) throw new TargetUnreachableError('scenario faults act on the servers a run starts itself: drop --target, or the faults');
  if (scenario.protocol.type !== 'chatbench' && !o.target && !command) throw new TargetUnreachableError(`protocol ${scenario.protocol.type} is another server's: give --server-cmd "COMMAND {port}" to start the server that speaks it, or --target ws://HOST:PORT of one running (the embedded server speaks chatbench's protocol)`);
  if (o.shard && !o.target) throw new ShardError('--shard needs --target: every shard of a run loads the same servers');
  if (o.shard && o.share) throw new ShardError('a run is a shard or a share, not both');
  const part = o.shard ?? o.share;
  const mine = shardClients(exec.clients, roomMapper(scenario.rooms, exec.clients), part);
  if (o.share && mine.length === 0) throw new ShardError(`share ${o.share.index}/${o.share.count} has no clients: the scenario has too few rooms to split (rooms are dealt round robin)`);
  if (o.shard && mine.length === 0) throw new ShardError(`shard ${o.shard.index}/${o.shard.count} has no clients: the scenario's rooms do not reach every shard (rooms are dealt round robin); use fewer shards`);
  let urls: URL[];
  let tokenKey: JsonWebKey | undefined = o.tokenKey ? readPrivateJwk(o.tokenKey) : undefined;
  // killed in the end, whatever happened: those forked ahead until this run forks its own
  let generators: ChildProcess[] = o.preforked ?? [];
  try {
    if (o.target) {
      if (scenario.auth !== 'HS256' && !tokenKey) throw new TargetUnreachableError(`scenario auth ${scenario.auth} against --target needs --token-key FILE (the private JWK whose public half the server trusts)`);
      urls = o.target.split(',').map((t) => parseTarget(t.trim()));
      for (const u of urls) await checkReachable(u);
    } else if (command) {
      for (let i = 0; i < scenario.servers; i++) embedded.push(await startCommandServer(command, i, o.log));
      urls = embedded.map((s) => new URL(s.wsUrl));
    } else {
      const keys = scenario.auth !== 'HS256' && !tokenKey ? freshKeys(scenario.auth) : undefined;
      if (keys) tokenKey = keys.privateJwk;
      const options = { secret, ...(keys ? { jwks: keys.jwksFile } : {}), ...scenario.server };
      if (scenario.bus === 'redis') {
        redis = await startRedis({ fsync: scenario.busFsync });
        o.log(`redis-server pid ${redis.pid} on ${redis.url} (appendonly, appendfsync ${scenario.busFsync})`);
      }
      for (let i = 0; i < scenario.servers; i++) {
        const node: Record<string, string> = redis ? { bus: redis.url, 'node-id': `n${i}` } : {};
        embedded.push(await startEmbeddedServer(variant, { ...options, ...node }, o.log, o.server));
      }
      urls = embedded.map((s) => new URL(s.wsUrl));
      o.log(`embedded server${embedded.length > 1 ? 's' : ''} (${variant}): ${embedded.map((s) => `pid ${s.pid} on ${s.url}`).join(', ')}`);
    }
    if (o.pinning && embedded.length) {
      for (const e of embedded) for (const pid of procTree(e.pid)) pin(pid, o.pinning.server); // a command's whole tree
      ownCores = pin(process.pid, o.pinning.generator); // generator processes forked from here inherit it
      o.log(`pinned: server${embedded.length > 1 ? 's' : ''} to CPU ${o.pinning.server}, generator to CPU ${o.pinning.generator}`);
    }
    if (o.delayServerMs) {
      for (const [i, u] of urls.entries()) {
        const proxy = await startDelayProxy({ host: u.hostname, port: Number(u.port || 80) }, o.delayServerMs);
        proxies.push(proxy);
        urls[i] = new URL(`ws://127.0.0.1:${proxy.port}${u.pathname}${u.search}`);
      }
      o.log(`injected: everything the server sends arrives ${o.delayServerMs} ms later (a proxy of ours in between)`);
    }
    // one place probes the servers: the run, or shard 0 of a sharded run (merge takes its figures)
    const probes = !o.shard || o.shard.index === 0;
    const servers: ServerEndpoint[] = probes
      ? urls.map((u, i) => {
          const pid = embedded[i]?.pid ?? o.targetPids?.[i];
          return { url: `http://${u.host}`, ...(pid ? { pid } : {}) };
        })
      : [];
    const targets: Target[] = urls.map((u) => ({ host: u.hostname, port: Number(u.port || 80), path: u.pathname + u.search }));
    const processes = scenario.generators ?? Math.max(1, Math.ceil(mine.length / CLIENTS_PER_PROCESS));
    const loopback = urls.every((u) => isLoopback(u.hostname));
    const perAddress = Math.ceil(mine.length / processes / CLIENTS_PER_ADDRESS);
    const sources = loopback ? sourceAddresses(processes * perAddress) : [];
    const plans: WorkerPlan[] = Array.from({ length: processes }, (_, w) => ({
      worker: w,
      workers: processes,
      targets,
      localAddresses: sources.slice(w * perAddress, (w + 1) * perAddress),
      secret,
      ...(tokenKey ? { tokenKey } : {}),
      scenario,
      ...(part ? { shard: part } : {}),
    }));
    const samples: ServerSample[] = [];
    const hostSamples: HostSample[] = [];
    const warned = new Set<string>();
    // a server without chatbench's /metrics does not count its connections: the generator's count
    // of open ones stands in (not for a shard, which holds only part of them), so memory per
    // connection is measured for any server
    let openConnections = 0;
    const keep = (s: ServerSample) => {
      if (s.connections === null && s.rssBytes !== null && !o.shard) s.connections = openConnections;
      for (const p of s.problems ?? []) {
        if (warned.has(p.url)) continue;
        warned.add(p.url);
        o.log(`note: no server figures from ${p.url}/metrics (${p.why}); measuring without them`);
      }
      samples.push(s);
    };
    // the bus figures are the reference cluster's /metrics; another server's cluster has its own
    const bus = probes && scenario.bus === 'redis' && scenario.protocol.type === 'chatbench' ? new BusProbe(servers.map((s) => s.url), redis?.url) : undefined;
    const faults = new FaultInjector(scenario.faults, embedded, redis, o.log);
    const sample = async () => {
      hostSamples.push(sampleHost(monoUs()));
      if (servers.length) keep(await sampleServers(servers, monoUs()));
      await bus?.sample();
    };
    const probe = setInterval(() => void sample(), 1000);
    await sample();
    // the steady window's edges are sampled at fixed offsets from t0 as well, so two runs started
    // together (a simultaneous gate round) read their servers over the very same seconds
    const windowTimers: NodeJS.Timeout[] = [];
    const sampleWindowEdges = (t0Us: number) => {
      if (!servers.length) return;
      const inMs = (t0Us - monoUs()) / 1000;
      for (const at of steadyWindowMs(exec)) windowTimers.push(setTimeout(() => void sampleServers(servers, monoUs()).then(keep), Math.max(0, inMs + at)));
    };
    const startedAt = new Date();
    const wall0 = monoUs();
    const partWords = o.shard ? ` (shard ${o.shard.index}/${o.shard.count}: ${mine.length} of ${exec.clients} clients)` : o.share ? ` (share ${o.share.index}/${o.share.count}: ${mine.length} of ${exec.clients} clients)` : '';
    o.log(`running ${scenario.name} (${exec.type}): ${mine.length} clients${partWords} in ${processes} generator process(es) against ${urls.map((u) => u.href).join(', ')}`);
    const ahead = generators.slice(0, processes);
    killGenerators(generators.slice(processes));
    // forked ahead, they did not inherit this process's pinning
    if (o.pinning && embedded.length) for (const g of ahead) pin(g.pid!, o.pinning.generator);
    generators = [...ahead, ...forkGenerators(processes - ahead.length)];
    let outcome;
    try {
      outcome = await runGenerators(
        generators,
        plans,
        (s) => {
          openConnections = s.connected;
          faults.tick(s.sec + 1);
          o.progress?.(s, exec.durationMs / 1000);
        },
        startPlan(o),
        sampleWindowEdges,
      );
    } finally {
      clearInterval(probe);
      for (const t of windowTimers) clearTimeout(t);
      await faults.settle();
    }
    await sample();
    const busFigures = await bus?.finish();
    return buildResult({
      scenario,
      ...(o.scenarioFile ? { scenarioFile: o.scenarioFile } : {}),
      variant,
      target: urls.map((u) => u.href).join(','),
      startedAt,
      wallSec: (monoUs() - wall0) / 1e6,
      outcome,
      samples,
      hostSamples,
      executor: exec,
      serverPids: embedded.map((s) => s.pid),
      ...(command ? { serverCommand: command.cmd } : {}),
      processes,
      ...(o.pinning && embedded.length ? { pinning: o.pinning } : {}),
      // a command's server is the checkout it runs in (its commit goes into the result for history)
      ...(command ? { serverCheckout: command.cwd ?? process.cwd() } : embedded.length && o.server?.checkout ? { serverCheckout: o.server.checkout } : {}),
      clients: mine.length,
      ...(busFigures ? { bus: busFigures } : {}),
      ...(faults.done.length ? { faults: faults.done } : {}),
      ...(o.gateRound ? { gateRound: { ...o.gateRound, t0: new Date(outcome.t0EpochMs).toISOString(), ...(o.share ? { share: `${o.share.index}/${o.share.count}` } : {}) } } : {}),
      ...(o.shard
        ? {
            shard: {
              index: o.shard.index,
              count: o.shard.count,
              runId: runIdOf(scenario, o.shard.count, o.startAtMs, o.runId),
              t0: new Date(outcome.t0EpochMs).toISOString(),
              ...(o.startAtMs !== undefined ? { startAt: new Date(o.startAtMs).toISOString() } : {}),
              lateMs: Math.round(outcome.lateMs),
            },
          }
        : {}),
    });
  } finally {
    killGenerators(generators); // a run that failed before its generators finished
    if (ownCores) pin(process.pid, ownCores); // the next run in this process starts as it was
    for (const s of embedded) {
      const code = await s.stop();
      if (code !== 0 && !scenario.faults.some((f) => f.action === 'kill-server' && embedded[f.server] === s)) o.log(`warning: embedded server pid ${s.pid} exited with code ${code}`);
    }
    await redis?.stop();
    for (const p of proxies) await p.close();
  }
}

/** With --start-at: wait for it, or start at once and say how late (failing past --max-late).
 * With a partner run: when both are ready, at the instant they agree on. */
function startPlan(o: RunOptions): StartPlan | undefined {
  const together = o.startTogether;
  if (together) return async () => ({ waitMs: Math.max(0, (await together()) - Date.now()), lateMs: 0 });
  const at = o.startAtMs;
  if (at === undefined) return undefined;
  return () => {
    const d = startDelay(at, o.maxLateMs ?? DEFAULT_MAX_LATE_MS);
    if (d.lateMs > 0) o.log(`warning: started ${d.lateMs} ms after --start-at ${new Date(at).toISOString()} (this shard's schedule is that much behind the others)`);
    else if (d.waitMs > 1000) o.log(`waiting ${(d.waitMs / 1000).toFixed(1)} s for --start-at ${new Date(at).toISOString()}`);
    return d;
  };
}

export const DEFAULT_MAX_LATE_MS = 2000;

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
