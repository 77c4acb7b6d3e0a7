// Starts `chatbench serve` as a child process for runs without --target, waits for /healthz,
// and stops it with SIGTERM afterwards (or SIGKILL, should chatbench be interrupted first).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { dist } from '../../lib/paths.js';
import { fetchText } from './probe/server-probe.js';
import type { ServerCommand } from './command-server.js';
import { guardProcess, releaseProcess } from './process-group.js';

export interface EmbeddedServer {
  pid: number;
  url: string; // http://host:port
  wsUrl: string;
  stop(): Promise<number | null>;
  /** SIGKILL, for the kill-server fault (default: to pid); a command's whole process group. */
  kill?(): void;
}

/** Which server to start: another chatbench checkout's (built) server, and extra `serve` flags —
 * what the gate varies between its baseline and its candidate. */
export interface ServerBuild {
  checkout?: string; // a directory with dist/bin/chatbench.js; default: this one
  args?: string[]; // appended, so they override the scenario's server options
  /** Not chatbench's server at all: the user's own shell command (`--server-cmd`). */
  command?: ServerCommand;
  /** A command the server runs under (a profiler): `[...argv, node, chatbench.js, 'serve', …]`. */
  wrapper?: { argv: string[]; env?: Record<string, string>; cwd?: string; exitTimeoutMs?: number };
}

/** The `chatbench` script a build runs; throws, naming it, when that checkout is not built. */
export function serverEntry(build: ServerBuild): string {
  const entry = build.checkout ? join(resolve(build.checkout), 'dist', 'bin', 'chatbench.js') : dist('bin/chatbench.js');
  if (!existsSync(entry)) throw new Error(`${entry} does not exist: build that checkout first (npm ci && npm run build)`);
  return entry;
}

export async function startEmbeddedServer(variant: string, options: Record<string, string | number | boolean>, log: (line: string) => void, build: ServerBuild = {}): Promise<EmbeddedServer> {
  const args = [serverEntry(build), 'serve', '--variant', variant, '--host', '127.0.0.1', '--port', '0'];
  for (const [key, value] of Object.entries(options)) {
    if (value === false) args.push(`--no-${key}`);
    else if (value === true) args.push(`--${key}`);
    else args.push(`--${key}`, String(value));
  }
  args.push(...(build.args ?? []));
  const w = build.wrapper;
  const child = w
    ? spawn(w.argv[0]!, [...w.argv.slice(1), process.execPath, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...w.env }, ...(w.cwd ? { cwd: w.cwd } : {}) })
    : spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  // a SIGTERM'd or Ctrl-C'd chatbench takes its server along (it is stopped normally below)
  guardProcess(child.pid!);
  child.once('exit', () => releaseProcess(child.pid!));
  const stderr: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    stderr.push(d);
    if (stderr.length > 50) stderr.shift();
  });
  let serverPid = child.pid!; // the server itself, not a wrapper, once its listening line says so
  const port = await new Promise<number>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      const m = /listening on http:\/\/[^:]+:(\d+).*?(?:pid (\d+))?$/.exec(line);
      if (m) {
        if (m[2]) serverPid = Number(m[2]);
        resolve(Number(m[1]));
      } else if (line.trim()) log(`server: ${line}`);
    });
    child.once('exit', (code) => reject(new Error(`embedded server exited with code ${code} before listening\n${stderr.join('')}`)));
    setTimeout(() => reject(new Error('embedded server did not start within 15 s')), 15_000).unref();
  });
  const url = `http://127.0.0.1:${port}`;
  await waitHealthy(url, child);
  return {
    pid: serverPid,
    url,
    wsUrl: `ws://127.0.0.1:${port}/`,
    // a wrapper ends when the server does, then may take a while (a profiler writes its report)
    stop: () => stop(child, serverPid, w ? (w.exitTimeoutMs ?? 180_000) : 10_000),
  };
}

export async function waitHealthy(url: string, child?: ChildProcess, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`);
    try {
      await fetchText(`${url}/healthz`, 1000);
      return;
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`${url}/healthz did not answer within ${timeoutMs} ms: ${(last as Error)?.message ?? ''}`);
}

/** SIGTERM to the server (the child, or the process a wrapper runs), then wait for the child to
 * close: 'close', not 'exit', so a wrapper's last words (where it wrote its report) are read. */
function stop(child: ChildProcess, serverPid: number, timeoutMs: number): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode); // gone already (a fault killed it)
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (code) => {
      clearTimeout(kill);
      resolve(code);
    });
    try {
      process.kill(serverPid, 'SIGTERM');
    } catch {
      child.kill('SIGTERM'); // the server is gone already
    }
  });
}
