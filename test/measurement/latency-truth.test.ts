// Does chatbench tell the truth about latency? A stalled server, a stalled generator and
// closed-loop senders must show in the coordinated-omission-corrected histogram; an injected
// server delay must shift the median by exactly that much.
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterEach, describe, expect, it } from 'vitest';
import { dist } from '../../lib/paths.js';
import { runScenario } from '../../loadgen/coordinator/run.js';
import { parseScenario } from '../../loadgen/scenario/parse.js';
import type { Result } from '../../results/schema.js';

const quiet = () => {};

async function serve(...args: string[]): Promise<{ child: ChildProcess; target: string }> {
  const child = spawn(process.execPath, [dist('bin/chatbench.js'), 'serve', '--port', '0', '--persist', 'none', ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
  const port = await new Promise<number>((resolve) =>
    createInterface({ input: child.stdout! }).on('line', (l) => {
      const m = /listening on http:\/\/[^:]+:(\d+)/.exec(l);
      if (m) resolve(Number(m[1]));
    }),
  );
  return { child, target: `ws://127.0.0.1:${port}/` };
}

/** SIGSTOP the server at `atMs` and SIGCONT it 1.05 s later. The message that waits longest was
 * sent up to one send interval after the stop began, so its latency is the stall minus up to that
 * interval plus processing: a stall of exactly 1.000 s can show a max of 0.99 s (seen in CI). */
function stall(child: ChildProcess, atMs: number): void {
  setTimeout(() => {
    child.kill('SIGSTOP');
    setTimeout(() => child.kill('SIGCONT'), 1050);
  }, atMs);
}

function run(yaml: string, target?: string): Promise<Result> {
  const scenario = parseScenario(`name: truth\ndrain: 5s\nbodyBytes: 16\n${yaml}`, 'truth.yaml');
  return runScenario({ scenario, ...(target ? { target } : {}), log: quiet });
}

describe('latency truth', () => {
  let server: ChildProcess | undefined;
  afterEach(() => {
    server?.kill('SIGCONT');
    server?.kill('SIGTERM');
    server = undefined;
    delete process.env.CHATBENCH_FAULT_BLOCK_GENERATOR;
  });

  /** A server that stops for the stall 5 s from now; afterEach resumes and ends it. */
  async function stallingServer(): Promise<string> {
    const s = await serve();
    server = s.child;
    stall(s.child, 5000);
    return s.target;
  }

  it('a 1 s server stall under a constant arrival rate shows in the corrected e2e histogram', async () => {
    // ~0.2 s of spawning, 1 s ramp, then 10 s at 300 msg/s: the stall is ~10% of the sending time
    const target = await stallingServer();
    const r = await run('executor: {type: constant-arrival-rate, rate: 300}\nclients: 60\nrooms: {size: 6}\nrampUp: 1s\nduration: 10s\n', target);
    expect(r.messages.lost).toBe(0);
    expect(r.latencyMs.e2e.max).toBeGreaterThanOrEqual(1000);
    expect(r.latencyMs.e2e.p99).toBeGreaterThanOrEqual(800);
    // the generator kept its schedule, so the uncorrected histogram sees the stall too
    expect(r.latencyMs.e2eUncorrected.max).toBeGreaterThanOrEqual(900);
  }, 60_000);

  it('a blocked generator sends late: the corrected histogram keeps the delay, the uncorrected one hides it', async () => {
    process.env.CHATBENCH_FAULT_BLOCK_GENERATOR = '4000:1000';
    const r = await run('executor: {type: constant-arrival-rate, rate: 300}\nclients: 60\nrooms: {size: 6}\nrampUp: 1s\nduration: 9s\ngenerators: 1\nservers: 1\nserver: {persist: none}\n');
    expect(r.messages.lost).toBe(0);
    expect(r.latencyMs.e2e.p99).toBeGreaterThanOrEqual(800);
    expect(r.latencyMs.e2e.max).toBeGreaterThanOrEqual(950);
    // the 1 s stall is hidden from the uncorrected histogram: what is left is the catch-up burst of
    // ≈ 300 late sends (62–97 ms here, 86–105 ms since the server takes one message per socket per
    // loop turn), a fraction of the stall
    expect(r.latencyMs.e2eUncorrected.p99).toBeLessThan(250);
    expect(r.generator.loopDelayMaxMs).toBeGreaterThanOrEqual(900);
    expect(r.generator.saturated).toBe(true); // and the run says so
    // a busy generator, not the machine (both, should the machine also have stalled in this run)
    expect(['generator', 'both']).toContain(r.generator.saturationCause);
  }, 60_000);

  it('closed-loop senders (waiting for each ack) hide a stall from the uncorrected histogram only', async () => {
    const target = await stallingServer();
    const r = await run('behaviours: {chatty: {weight: 1, rate: 10, waitForAck: true}}\nclients: 30\nrooms: {size: 3}\nrampUp: 1s\nduration: 10s\n', target);
    expect(r.messages.lost).toBe(0);
    expect(r.latencyMs.e2e.p99).toBeGreaterThanOrEqual(500);
    expect(r.latencyMs.e2eUncorrected.p90).toBeLessThan(50);
    expect(r.latencyMs.e2e.p90! - r.latencyMs.e2eUncorrected.p90!).toBeGreaterThan(r.latencyMs.e2eUncorrected.p90!);
  }, 60_000);

  it('--inject-latency-ms 20 shifts e2e p50 by 20 ms ± 10%', async () => {
    const base = 'clients: 60\nrooms: {size: 6}\nrampUp: 1s\nduration: 4s\nmessageRate: 5\nservers: 1\n';
    const plain = await run(`${base}server: {persist: none}\n`);
    const delayed = await run(`${base}server: {persist: none, inject-latency-ms: 20}\n`);
    const shift = delayed.latencyMs.e2e.p50! - plain.latencyMs.e2e.p50!;
    expect(shift).toBeGreaterThanOrEqual(18);
    expect(shift).toBeLessThanOrEqual(22);
  }, 60_000);
});
