// A real redis-server (found on PATH) on a free loopback port, for runs with `bus: redis` and for
// tests: append-only file on, with appendfsync always by default — Redis writes and fsyncs a
// script's effects before it replies, so an acked message survives a kill -9 of Redis. With
// everysec it may not: here a kill -9 lost 497 of 110,927 acked INCRs (docs/cluster.md).
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface RedisProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** kill -9 (or SIGTERM) and start again on the same port and data directory. */
  restart(opts?: { signal?: NodeJS.Signals; downMs?: number }): Promise<void>;
  stop(): Promise<void>;
}

export class RedisNotFoundError extends Error {}

export async function startRedis(opts: { port?: number; fsync?: 'always' | 'everysec' } = {}): Promise<RedisProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'chatbench-redis-'));
  const port = opts.port ?? (await freePort());
  const fsync = opts.fsync ?? 'always';
  let child = await launch(port, dir, fsync);
  const r: RedisProcess = {
    url: `redis://127.0.0.1:${port}`,
    port,
    get pid() {
      return child.pid!;
    },
    async restart({ signal = 'SIGKILL', downMs = 0 } = {}) {
      await kill(child, signal);
      if (downMs > 0) await new Promise((res) => setTimeout(res, downMs));
      child = await launch(port, dir, fsync);
    },
    async stop() {
      await kill(child, 'SIGTERM');
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return r;
}

function launch(port: number, dir: string, fsync: string): Promise<ChildProcess> {
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'yes', '--appendfsync', fsync, '--daemonize', 'no', '--maxclients', '10000', '--loglevel', 'notice'];
  const child = spawn('redis-server', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`redis-server on port ${port} not ready within 10 s:\n${output.join('')}`));
    }, 10_000);
    const onData = (d: Buffer) => {
      output.push(d.toString());
      if (/Ready to accept connections/.test(output.join(''))) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        child.stderr!.resume();
        resolve(child);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
    child.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(err.code === 'ENOENT' ? new RedisNotFoundError('bus: redis needs redis-server on PATH (Debian: apt-get install -y redis-server)') : err);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited with code ${code}:\n${output.join('')}`));
    });
  });
}

function kill(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address();
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}
