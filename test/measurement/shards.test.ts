// A sharded run end to end, as deploy/k8s/ would run it: the container command is read from the
// Indexed Job manifest and run once per shard, each started at its own moment with its
// JOB_COMPLETION_INDEX — as root, each in its own network namespace (its own address and ports,
// like a pod). Then `chatbench merge`, and the same scenario as one run against the same server:
// the two must tell the same story.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseResult, type Result } from '../../results/schema.js';
import { runCli, type Outcome } from '../helpers/cli.js';
import { containerCommand } from '../../scripts/k8s-manifest.js';
import { canMakeNetns, makeNetns, removeNetns, type Netns } from '../helpers/netns.js';
import { PROCESS_SECRET, serve, type Serve } from '../helpers/serve-process.js';

const SHARDS = 4;
const INJECTED_MS = 20;
// 24 rooms of 8: 6 rooms, 48 clients per shard
const SCENARIO = `name: shard-exact
clients: 192
rampUp: 1s
duration: 5s
drain: 2s
rooms: {size: 8}
messageRate: 4
thresholds: ["lost == 0"]
`;

const cli = (...args: string[]) => runCli(args, { timeoutMs: 120_000, env: { CHATBENCH_SECRET: PROCESS_SECRET } });

function runShard(argv: string[], env: Record<string, string>, netns: Netns | undefined): Promise<Outcome> {
  const [cmd, ...rest] = netns ? ['ip', 'netns', 'exec', netns.name, ...argv] : argv;
  return new Promise((resolve) => {
    const child = spawn(cmd!, rest, { env: { ...process.env, ...env, CHATBENCH_SECRET: PROCESS_SECRET }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr });
    });
  });
}

const read = (file: string): Result => parseResult(JSON.parse(readFileSync(file, 'utf8')), file);

describe('a run in shards, merged (deploy/k8s/shards-job.yaml run as local processes)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chatbench-shards-'));
  const scenario = join(dir, 'shard-exact.yaml');
  const runId = `test-${process.pid}`;
  let server: Serve;
  let spaces: Netns[] = [];
  let shardOutcomes: Outcome[] = [];

  beforeAll(async () => {
    writeFileSync(scenario, SCENARIO);
    // a server whose every delivery takes 20 ms more: a latency both sides must measure alike
    server = await serve(['--host', '0.0.0.0', '--metrics', 'public', '--persist', 'none', '--inject-latency-ms', String(INJECTED_MS)]);
    // warm the server's JIT first: the shards and the one run then meet the same warm server
    const warm = await cli('run', scenario, '--target', `ws://127.0.0.1:${server.port}/`, '--duration', '2s', '--out', join(dir, 'warm-up'));
    expect(warm.code, warm.stderr).toBe(0);
    if (canMakeNetns()) spaces = makeNetns(`cb${process.pid % 100000}s`, SHARDS);
    else console.warn('not root (or no `ip netns`): the shards run as plain processes on loopback');
    const startAt = new Date(Date.now() + 8000).toISOString();
    // started one after another, 600 ms apart, like pods scheduled at different moments
    const running: Promise<Outcome>[] = [];
    for (let k = 0; k < SHARDS; k++) {
      const host = spaces[k]?.hostAddress ?? '127.0.0.1';
      const { argv, env } = containerCommand(
        'deploy/k8s/shards-job.yaml',
        { RUN_ID: runId, SHARDS: String(SHARDS), START_AT: startAt, SCENARIO: scenario, TARGET: `ws://${host}:${server.port}/`, IMAGE: 'chatbench:test' },
        { JOB_COMPLETION_INDEX: String(k), RESULTS_DIR: dir },
      );
      running.push(runShard(argv, env, spaces[k]));
      await new Promise((r) => setTimeout(r, 600));
    }
    shardOutcomes = await Promise.all(running);
  }, 120_000);

  afterAll(() => {
    server?.child.kill();
    removeNetns(spaces);
  });

  it('every shard runs its rooms only, on time, and says which shard it is', () => {
    for (const [k, o] of shardOutcomes.entries()) expect(o.code, `shard ${k}: ${o.stderr}`).toBe(0);
    for (let k = 0; k < SHARDS; k++) {
      const r = read(join(dir, runId, `shard-${k}`, 'result.json'));
      expect(r.shard).toMatchObject({ index: k, count: SHARDS, runId, lateMs: 0 });
      expect(r.connections).toMatchObject({ target: 48, failed: 0 });
      expect(r.messages.lost).toBe(0);
      // only shard 0 probes the server
      expect(r.server.cpuSeconds === null).toBe(k !== 0);
    }
  });

  it('merges into one result that tells what one run of the whole scenario tells', async () => {
    const merged = await cli('merge', join(dir, runId), '--out', join(dir, 'merged'));
    expect(merged.code, merged.stderr).toBe(0);
    expect(merged.stdout).toContain(`merged ${SHARDS} shards of run ${runId} (server figures from shard 0`);
    // one run with as many generator processes as the shards have together (4): the same JIT
    // warm-up on this machine's 2 cores, so the comparison is of the merge, not of process counts
    const wholeScenario = join(dir, 'whole.yaml');
    writeFileSync(wholeScenario, `${SCENARIO}generators: ${SHARDS}\n`);
    const whole = await cli('run', wholeScenario, '--target', `ws://127.0.0.1:${server.port}/`, '--out', join(dir, 'whole'));
    expect(whole.code, whole.stderr).toBe(0);
    const m = read(join(dir, 'merged', 'result.json'));
    const w = read(join(dir, 'whole', 'result.json'));
    for (const r of [m, w]) {
      expect(r.connections).toMatchObject({ target: 192, failed: 0 });
      expect(r.messages).toMatchObject({ lost: 0, duplicated: 0, reordered: 0, refused: 0, unanswered: 0 });
      expect(r.messages.delivered).toBe(r.messages.expected);
      // each message reaches the 7 other members of its room (fewer only while the room fills up)
      expect(r.messages.expected).toBeGreaterThan(6.9 * r.messages.sent);
      expect(r.messages.expected).toBeLessThanOrEqual(7 * r.messages.sent);
      expect(r.checks.every((c) => c.ok)).toBe(true);
    }
    // the same load: 192 × 4 msg/s over 5 s (± the random phase of each sender's first message)
    expect(Math.abs(m.messages.sent - w.messages.sent)).toBeLessThanOrEqual(0.03 * w.messages.sent);
    const e2e = (r: Result) => r.latencyMs.e2e;
    console.log(`e2e merged p50 ${e2e(m).p50} p90 ${e2e(m).p90} p99 ${e2e(m).p99} max ${e2e(m).max} | one run p50 ${e2e(w).p50} p90 ${e2e(w).p90} p99 ${e2e(w).p99} max ${e2e(w).max} (ms)`);
    // Two runs, not one: their jitter (≈ 0.1–1 ms at p50 here) exceeds the histogram's precision
    // (0.1 %), which holds for the merge itself (test/shards.test.ts: the shards' histograms added
    // are byte for byte the histogram of all their values). The shards add 3 coordinator processes
    // on 2 cores. Their p99s are a few stalls apart: on 2026-11-30 the two runs' p99 differed by up
    // to 38 ms (a 15 ms bound failed in 3 of 5 tries, and in 2 of 3 at the commit before that day's
    // changes: the machine, not the code), so the tail is bounded as a ratio and the body (p90)
    // tightly.
    expect(e2e(m).p50!).toBeGreaterThanOrEqual(INJECTED_MS);
    expect(Math.abs(e2e(m).p50! - e2e(w).p50!)).toBeLessThan(1.5);
    expect(Math.abs(e2e(m).p90! - e2e(w).p90!)).toBeLessThan(10);
    expect(e2e(m).p99!).toBeLessThan(2.5 * e2e(w).p99!);
    expect(e2e(w).p99!).toBeLessThan(2.5 * e2e(m).p99!);
    // merging is adding: the whole's p99 lies between its shards' p99s, its max is their max
    const shards = [0, 1, 2, 3].map((k) => read(join(dir, runId, `shard-${k}`, 'result.json')));
    expect(e2e(m).p99!).toBeGreaterThanOrEqual(Math.min(...shards.map((r) => e2e(r).p99!)));
    expect(e2e(m).p99!).toBeLessThanOrEqual(Math.max(...shards.map((r) => e2e(r).p99!)));
    expect(e2e(m).max).toBe(Math.max(...shards.map((r) => e2e(r).max!)));
    expect(m.messages.delivered).toBe(shards.reduce((a, r) => a + r.messages.delivered, 0));
    expect(m.server.cpuSeconds).not.toBeNull();
    expect(m.series.length).toBeGreaterThanOrEqual(w.series.length - 1);
  }, 120_000);

  it('gives byte-identical results for the same shards in another order, and refuses a missing or repeated shard', async () => {
    const shard = (k: number) => join(dir, runId, `shard-${k}`);
    const a = await cli('merge', shard(0), shard(1), shard(2), shard(3), '--out', join(dir, 'a'));
    const b = await cli('merge', shard(3), shard(1), shard(0), shard(2), '--out', join(dir, 'b'));
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(readFileSync(join(dir, 'b', 'result.json'), 'utf8')).toBe(readFileSync(join(dir, 'a', 'result.json'), 'utf8'));
    const missing = await cli('merge', shard(0), shard(1), shard(3));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing shard 2 of 4');
    const twice = await cli('merge', shard(0), shard(1), shard(2), shard(3), shard(1));
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('shard 1 given 2 times');
  }, 60_000);

  it('fails a shard that cannot make --start-at, saying by how much', async () => {
    const late = await cli('run', scenario, '--target', `ws://127.0.0.1:${server.port}/`, '--shard', '1/4', '--start-at', String(Date.now() - 10_000), '--out', join(dir, 'late'));
    expect(late.code).toBe(1);
    expect(late.stderr).toMatch(/this shard cannot make --start-at .*: ready 1\d\.\d s after it \(more than --max-late 2 s\)/);
  });
});
