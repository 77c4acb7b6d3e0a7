// `chatbench serve` as a child process for a test: its port, its stderr lines, its exit code.
// With fdLimit it runs under `ulimit -n` (a shell sets the limit, then execs node).
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dist } from '../../lib/paths.js';

export const PROCESS_SECRET = 'process-secret';

export interface Serve {
  child: ChildProcess;
  port: number;
  stderr: string[];
  exited: Promise<number | null>;
}

export async function serve(args: string[], o: { fdLimit?: number } = {}): Promise<Serve> {
  const argv = [dist('bin/chatbench.js'), 'serve', '--port', '0', '--secret', PROCESS_SECRET, ...args];
  const child =
    o.fdLimit === undefined
      ? spawn(process.execPath, argv, { stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('/bin/sh', ['-c', `ulimit -n ${o.fdLimit} && exec "$0" "$@"`, process.execPath, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (l) => stderr.push(l));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? -1 : null))));
  const port = await new Promise<number>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /listening on http:\/\/[^:/]+:(\d+)/.exec(line);
      if (m) resolve(Number(m[1]));
    });
    void exited.then((code) => reject(new Error(`serve exited ${code}: ${stderr.join('\n')}`)));
  });
  return { child, port, stderr, exited };
}
