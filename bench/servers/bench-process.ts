// A benchmark's server process: started from a script that prints "listening on http://HOST:PORT …
// pid N" (the floor, plain ws, the null relay, `chatbench serve`), on the given CPUs when pinned.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface BenchServer {
  child: ChildProcess;
  pid: number;
  port: number;
}

export async function startBenchServer(argv: string[], cpus?: string): Promise<BenchServer> {
  const cmd = cpus ? ['taskset', '-c', cpus, process.execPath, ...argv] : [process.execPath, ...argv];
  const child = spawn(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const m = /listening on http:\/\/[^:/]+:(\d+).*pid (\d+)/.exec(line);
      if (m) resolve({ child, port: Number(m[1]), pid: Number(m[2]) });
    });
    child.once('exit', (code) => reject(new Error(`${argv.join(' ')} exited ${code}`)));
  });
}

export async function stopBenchServer(s: BenchServer): Promise<void> {
  s.child.kill('SIGTERM');
  await new Promise((r) => (s.child.exitCode !== null ? r(null) : s.child.once('exit', r)));
}
