// `chatbench run`: one scenario against an embedded server (started here) or a --target.
import { connect } from 'node:net';
import { monoUs } from './clock.js';
import { runGenerators, type SecondAggregate } from './coordinator.js';
import { buildResult } from './result-builder.js';
import { sampleServer, type ServerSample } from './probe/server-probe.js';
import { startEmbeddedServer, type EmbeddedServer } from './server-process.js';
import type { Scenario } from './scenario/schema.js';
import type { WorkerPlan } from './worker/messages.js';
import type { Result } from '../reports/schema.js';
import { DEV_SECRET } from '../protocol/token.js';

export const CLIENTS_PER_PROCESS = 12_500; // well under the 20,000 open files a process may hold

export interface RunOptions {
  scenario: Scenario;
  scenarioFile?: string;
  variant?: string;
  target?: string; // ws://host:port[/path]
  secret?: string;
  log: (line: string) => void;
  progress?: (s: SecondAggregate, totalSec: number) => void;
}

export class TargetUnreachableError extends Error {}

export async function runScenario(o: RunOptions): Promise<Result> {
  const { scenario } = o;
  const secret = o.secret ?? process.env.CHATBENCH_SECRET ?? DEV_SECRET;
  let server: EmbeddedServer | undefined;
  let targetUrl: URL;
  const variant = o.target ? 'external' : (o.variant ?? scenario.variant);
  if (o.target) {
    targetUrl = parseTarget(o.target);
    await checkReachable(targetUrl);
  } else {
    server = await startEmbeddedServer(variant, { secret, ...scenario.server }, o.log);
    targetUrl = new URL(server.wsUrl);
    o.log(`embedded server (${variant}) pid ${server.pid} on ${server.url}`);
  }
  try {
    const httpBase = `http://${targetUrl.host}`;
    const processes = scenario.generators ?? Math.max(1, Math.ceil(scenario.clients / CLIENTS_PER_PROCESS));
    const loopback = isLoopback(targetUrl.hostname);
    const plans: WorkerPlan[] = Array.from({ length: processes }, (_, w) => ({
      worker: w,
      workers: processes,
      target: { host: targetUrl.hostname, port: Number(targetUrl.port || 80), path: targetUrl.pathname + targetUrl.search },
      ...(loopback ? { localAddress: `127.0.0.${2 + (w % 250)}` } : {}),
      secret,
      clients: scenario.clients,
      roomSize: scenario.rooms.size,
      senders: scenario.senders,
      messageRate: scenario.messageRate,
      bodyBytes: scenario.bodyBytes,
      rampUpMs: scenario.rampUp,
      durationMs: scenario.duration,
      drainMs: scenario.drain,
    }));
    const samples: ServerSample[] = [];
    const probe = setInterval(() => void sampleServer(httpBase, monoUs()).then((s) => samples.push(s)), 1000);
    samples.push(await sampleServer(httpBase, monoUs()));
    const startedAt = new Date();
    const wall0 = monoUs();
    const totalSec = (scenario.rampUp + scenario.duration) / 1000;
    o.log(`running ${scenario.name}: ${scenario.clients} clients in ${processes} generator process(es) against ${targetUrl.href}`);
    let outcome;
    try {
      outcome = await runGenerators(plans, (s) => o.progress?.(s, totalSec));
    } finally {
      clearInterval(probe);
    }
    samples.push(await sampleServer(httpBase, monoUs()));
    return buildResult({
      scenario,
      ...(o.scenarioFile ? { scenarioFile: o.scenarioFile } : {}),
      variant,
      target: targetUrl.href,
      startedAt,
      wallSec: (monoUs() - wall0) / 1e6,
      outcome,
      samples,
      ...(server ? { serverPid: server.pid } : {}),
      processes,
    });
  } finally {
    if (server) {
      const code = await server.stop();
      if (code !== 0) o.log(`warning: embedded server exited with code ${code}`);
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
