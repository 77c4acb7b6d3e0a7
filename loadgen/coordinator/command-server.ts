// A server started from the user's own shell command (`--server-cmd`, the gate's `--baseline-cmd`
// and `--candidate-cmd`): any server, in any language, that has never heard of chatbench. It runs
// in its own process group with a free loopback port in `{port}` and $PORT, is ready when the
// port accepts (or --ready-url answers 2xx), writes its output to files in the run directory, and
// is stopped as a whole group: SIGTERM, then SIGKILL after a grace period.
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect, createServer } from 'node:net';
import { request } from 'node:http';
import { join } from 'node:path';
import { guardGroup, liveInGroup, releaseGroup, signalGroup } from './process-group.js';
import type { EmbeddedServer } from './server-process.js';

export interface ServerCommand {
  /** A shell command; `{port}` and `{host}` are replaced, $PORT and $HOST set. */
  cmd: string;
  cwd?: string;
  /** Ready when this URL (`{port}` replaced) answers 2xx; default: when the port accepts a connection. */
  readyUrl?: string;
  readyTimeoutMs?: number;
  /** The WebSocket path clients connect to (default /). */
  path?: string;
  stopGraceMs?: number;
  /** What asks the group to stop (default SIGTERM; SIGINT for a profiler, as Ctrl-C would). */
  stopSignal?: NodeJS.Signals;
  /** More environment for the command. */
  env?: Record<string, string>;
  /** Where server[-N].stdout.log and .stderr.log go (the run directory; default a new temporary one). */
  logDir?: string;
}

export const DEFAULT_READY_TIMEOUT_MS = 30_000;
const HOST = '127.0.0.1';

export class ServerCommandError extends Error {}

export async function startCommandServer(c: ServerCommand, index: number, log: (line: string) => void): Promise<EmbeddedServer> {
  const port = await freePort();
  const cmd = c.cmd.replaceAll('{port}', String(port)).replaceAll('{host}', HOST);
  const logDir = c.logDir ?? mkdtempSync(join(tmpdir(), 'chatbench-server-'));
  mkdirSync(logDir, { recursive: true });
  const name = index === 0 ? 'server' : `server-${index + 1}`;
  const files = { stdout: join(logDir, `${name}.stdout.log`), stderr: join(logDir, `${name}.stderr.log`) };
  const out = openSync(files.stdout, 'w');
  const err = openSync(files.stderr, 'w');
  const child = spawn('/bin/sh', ['-c', cmd], {
    cwd: c.cwd,
    detached: true, // its own process group: stopping it stops whatever it forked
    stdio: ['ignore', out, err],
    env: { ...process.env, ...c.env, PORT: String(port), HOST },
  });
  closeSync(out);
  closeSync(err);
  const pgid = child.pid!;
  guardGroup(pgid);
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      resolve();
    }),
  );
  const lastLines = () => tail(files.stdout, files.stderr);
  const stop = async (): Promise<number | null> => {
    const signal = c.stopSignal ?? 'SIGTERM';
    signalGroup(pgid, signal);
    const deadline = Date.now() + (c.stopGraceMs ?? 5000);
    while (liveInGroup(pgid).length && Date.now() < deadline) await sleep(50);
    const left = liveInGroup(pgid);
    if (left.length) {
      log(`server command: ${left.length} process(es) still running ${c.stopGraceMs ?? 5000} ms after ${signal} (pids ${left.join(', ')}): SIGKILL`);
      signalGroup(pgid, 'SIGKILL');
      while (liveInGroup(pgid).length) await sleep(20);
    }
    await exited;
    releaseGroup(pgid);
    // ended by our signal is a clean stop; anything else (a crash, our SIGKILL) is told
    return exit?.signal === signal ? 0 : (exit?.code ?? 128 + 9);
  };

  const timeoutMs = c.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
  const readyUrl = c.readyUrl?.replaceAll('{port}', String(port)).replaceAll('{host}', HOST);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exit) {
      releaseGroup(pgid);
      throw new ServerCommandError(`server command exited (${exit.signal ?? `code ${exit.code}`}) before it was ready: ${c.cmd}\n${lastLines()}`);
    }
    if (await (readyUrl ? answers2xx(readyUrl) : accepts(port))) break;
    if (Date.now() > deadline) {
      await stop();
      throw new ServerCommandError(`server command not ready within ${timeoutMs} ms (${readyUrl ? `${readyUrl} did not answer 2xx` : `nothing accepted on ${HOST}:${port}; does it listen on {port} or $PORT?`}): ${c.cmd}\n${lastLines()}`);
    }
    await sleep(100);
  }
  log(`server command (pid ${pgid}, port ${port}): ${cmd}`);
  const path = c.path ?? '/';
  return { pid: pgid, url: `http://${HOST}:${port}`, wsUrl: `ws://${HOST}:${port}${path.startsWith('/') ? path : `/${path}`}`, stop, kill: () => signalGroup(pgid, 'SIGKILL') };
}

/** A port nobody listens on now (the kernel's choice); the server binds it a moment later. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, HOST, () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: HOST, port, timeout: 1000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

function answers2xx(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: 1000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300);
    });
    req.once('timeout', () => req.destroy());
    req.once('error', () => resolve(false));
    req.end();
  });
}

const TAIL_LINES = 20;

/** The last lines the server wrote, for an error message. */
function tail(...files: string[]): string {
  const parts = files.map((f) => {
    const lines = readFileSync(f, 'utf8').split('\n').filter((l) => l.trim());
    return lines.length ? `── ${f} (last ${Math.min(TAIL_LINES, lines.length)} lines):\n${lines.slice(-TAIL_LINES).join('\n')}` : `── ${f}: empty`;
  });
  return parts.join('\n');
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
