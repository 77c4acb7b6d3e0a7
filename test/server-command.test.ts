// Servers chatbench starts from a shell command (--server-cmd): measured as a whole process tree,
// their output kept, a clear error when they die or never get ready, nothing left running after —
// also when chatbench itself is interrupted; and the same for its own embedded server.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { procSample, procTree, procTreeSample } from '../loadgen/coordinator/probe/proc-sampler.js';
import { dist } from '../lib/paths.js';
import { parseResult } from '../results/schema.js';
import { runCli } from './helpers/cli.js';
import { until } from './helpers/until.js';
import { runningWithTag } from './helpers/tagged-processes.js';

const SERVER = join(import.meta.dirname, 'fixtures', 'one-file-chat-server.cjs');
const INIT_SCENARIO = () => {
  const dir = mkdtempSync(join(tmpdir(), 'chatbench-cmd-'));
  return { dir, file: join(dir, 'chatbench.yaml') };
};

const running = runningWithTag;

const burner = `
const { fork } = require('node:child_process');
if (process.argv[2] === 'child') {
  const keep = Buffer.alloc(16 * 1024 * 1024, 1); // resident: every page written
  setInterval(() => { const end = Date.now() + 60; while (Date.now() < end); keep[0]++; }, 100);
} else {
  fork(__filename, ['child']);
  fork(__filename, ['child']);
  setInterval(() => {}, 1000);
}`;

describe('the process tree of a server', () => {
  it('is measured as the sum of the parent and the two children it forked', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'chatbench-tree-')), 'burner.cjs');
    writeFileSync(file, burner);
    const parent = spawn(process.execPath, [file], { stdio: 'ignore' });
    try {
      expect(await until(() => procTree(parent.pid!).length === 3, 10_000)).toBe(true);
      const pids = procTree(parent.pid!);
      expect(pids[0]).toBe(parent.pid);
      await new Promise((r) => setTimeout(r, 300)); // the children's buffers are resident
      const before = procTreeSample(parent.pid!)!;
      const each = pids.map((p) => procSample(p)!);
      const rssSum = each.reduce((a, s) => a + s.rssBytes, 0);
      expect(before.rssBytes).toBeGreaterThan(rssSum * 0.95);
      expect(before.rssBytes).toBeLessThan(rssSum * 1.05);
      expect(each[1]!.rssBytes + each[2]!.rssBytes).toBeGreaterThan(2 * 16 * 1024 * 1024); // the children's memory is in it
      const parentCpu0 = procSample(parent.pid!)!.cpuSeconds;
      await new Promise((r) => setTimeout(r, 1500));
      const after = procTreeSample(parent.pid!)!;
      // the children burn ≈ 0.6 s/s each; the idle parent alone would read ≈ 0
      expect(after.cpuSeconds - before.cpuSeconds).toBeGreaterThan(0.5);
      expect(procSample(parent.pid!)!.cpuSeconds - parentCpu0).toBeLessThan(0.2);
    } finally {
      for (const p of procTree(parent.pid!).reverse()) process.kill(p, 'SIGKILL');
    }
  });
});

describe('chatbench run --server-cmd', () => {
  it('starts the command on a free port, measures its whole tree, keeps its output, and leaves nothing running', async () => {
    const tag = randomUUID();
    const { dir, file } = INIT_SCENARIO();
    expect((await runCli(['init', '--dir', dir, '--no-workflow'])).code).toBe(0);
    const out = join(dir, 'run');
    const r = await runCli(['run', file, '--server-cmd', `echo starting on {port}; node ${SERVER} --port {port} --fork 2 --tag ${tag}`, '--ready-url', 'http://127.0.0.1:{port}/ready', '--duration', '3s', '--clients', '50', '--out', out], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const result = parseResult(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')), 'result.json');
    expect(result.variant).toBe('command');
    expect(result.server.command).toContain('--fork 2');
    expect(result.messages.lost).toBe(0);
    expect(result.messages.delivered).toBeGreaterThan(0);
    expect(result.server.cpuMsPer1kDeliveries).toBeGreaterThan(0);
    // four processes (sh, the server, its two children): RSS well beyond one node process
    expect(result.server.rssBytes).toBeGreaterThan(100 * 1024 * 1024);
    expect(result.server.heapUsedBytes).toBeNull(); // not ours: no /metrics, and not a made-up zero
    expect(readFileSync(join(out, 'server.stdout.log'), 'utf8')).toMatch(/^starting on \d+$/m);
    expect(existsSync(join(out, 'server.stderr.log'))).toBe(true);
    expect(running(tag)).toEqual([]);
  });

  it('names the command and shows its last output when it exits before it is ready', async () => {
    const { dir, file } = INIT_SCENARIO();
    await runCli(['init', '--dir', dir, '--no-workflow']);
    const r = await runCli(['run', file, '--server-cmd', 'echo loading config; echo "config.json: no such file" >&2; exit 3', '--out', join(dir, 'run')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('server command exited (code 3) before it was ready');
    expect(r.stderr).toContain('config.json: no such file');
    expect(r.stderr).toContain('loading config');
  });

  it('stops a command that never gets ready within --ready-timeout, children and all', async () => {
    const tag = randomUUID();
    const { dir, file } = INIT_SCENARIO();
    await runCli(['init', '--dir', dir, '--no-workflow']);
    const r = await runCli(['run', file, '--server-cmd', `node -e 'setInterval(() => {}, 1000)' ${tag} & node -e 'setInterval(() => {}, 1000)' ${tag}`, '--ready-timeout', '1500ms', '--out', join(dir, 'run')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/not ready within 1500 ms \(nothing accepted on 127\.0\.0\.1:\d+; does it listen on \{port\} or \$PORT\?\)/);
    expect(running(tag)).toEqual([]);
  });

  it('leaves nothing running when chatbench is interrupted mid-run', async () => {
    const tag = randomUUID();
    const { dir, file } = INIT_SCENARIO();
    await runCli(['init', '--dir', dir, '--no-workflow']);
    const child = spawn(process.execPath, [dist('bin/chatbench.js'), 'run', file, '--server-cmd', `node ${SERVER} --port {port} --fork 1 --tag ${tag}`, '--duration', '30s', '--out', join(dir, 'run')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    expect(await until(() => stderr.includes('running chatbench'), 20_000), stderr).toBe(true);
    expect(running(tag).length).toBeGreaterThanOrEqual(3); // sh, the server, its child
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGINT');
    expect(await exited).toBe(130);
    expect(await until(() => running(tag).length === 0, 5000)).toBe(true);
    expect(stderr).toContain('SIGINT: stopping the 1 server(s) it started');
  });

  it('leaves no embedded server running when chatbench is stopped by SIGTERM mid-run (a cancelled job)', async () => {
    const child = spawn(process.execPath, [dist('bin/chatbench.js'), 'run', 'scenarios/smoke.yaml', '--duration', '30s', '--out', join(INIT_SCENARIO().dir, 'run')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    expect(await until(() => stderr.includes('running smoke'), 20_000), stderr).toBe(true);
    const pid = Number(/embedded server \(\w+\): pid (\d+)/.exec(stderr)?.[1]);
    expect(existsSync(`/proc/${pid}`)).toBe(true);
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    const gone = () => {
      try {
        return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
      } catch {
        return true; // no such process
      }
    };
    expect(await until(gone, 5000)).toBe(true);
    expect(stderr).toContain('SIGTERM: stopping the 1 server(s) it started');
  });
});
