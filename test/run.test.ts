// A real generator run against the real server (both as child processes), and the CLI's answers
// to bad input.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { dist } from '../lib/paths.js';
import { parseResult } from '../results/schema.js';
import { SECRET, startTestServer } from './helpers/server.js';

const exec = promisify(execFile);
const cli = (...args: string[]) => exec(process.execPath, [dist('bin/chatbench.js'), ...args], { timeout: 60_000 });

const SHORT = `# short — a quick end-to-end check used by the tests
name: short
clients: 60
rampUp: 1s
duration: 3s
drain: 3s
rooms: {size: 6}
messageRate: 5
bodyBytes: 32
thresholds: ["lost == 0", "e2e.p99 < 5000"]
`;

describe('chatbench run', () => {
  it('delivers every message to every receiver and writes a valid result and report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatbench-run-'));
    writeFileSync(join(dir, 'short.yaml'), SHORT);
    const { stdout } = await cli('run', join(dir, 'short.yaml'), '--out', join(dir, 'out'));
    expect(stdout).toMatch(/^short\/coroutine: \| clients 60\/60 \| delivered \d+ msg\/s \| e2e p50 [\d.]+ ms p99 [\d.]+ ms \| lost 0 \| thresholds ok$/m);
    expect(stdout).toContain(`report: ${join(dir, 'out', 'report.html')}`);

    const raw = JSON.parse(readFileSync(join(dir, 'out', 'result.json'), 'utf8')) as unknown;
    const validate = new Ajv2020({ strict: false }).compile(JSON.parse(readFileSync('results/result.schema.json', 'utf8')) as object);
    expect(validate(raw), JSON.stringify(validate.errors)).toBe(true);
    const r = parseResult(raw, 'result.json');
    expect(r.connections).toMatchObject({ target: 60, peak: 60, failed: 0 });
    expect(r.messages.sent).toBeGreaterThan(60 * 5 * 3 * 0.8);
    expect(r.messages.acked).toBe(r.messages.sent);
    // each message reaches the other 5 members of its room, less those who had not joined yet
    // (the ramp puts members in rooms one by one)
    expect(r.messages.expected).toBeLessThanOrEqual(r.messages.sent * 5);
    expect(r.messages.expected).toBeGreaterThan(r.messages.sent * 5 * 0.9);
    expect(r.messages.delivered).toBe(r.messages.expected);
    expect(r.messages.lost).toBe(0);
    expect(r.messages.duplicated).toBe(0);
    expect(r.latencyMs.e2e.count).toBe(r.messages.delivered);
    expect(r.latencyMs.e2e.p50).toBeGreaterThan(0);
    expect(r.latencyMs.e2e.p99).toBeGreaterThanOrEqual(r.latencyMs.e2e.p50!);
    expect(r.latencyMs.connect.count).toBe(60);
    // the instrument's own delay, sampled on one delivery in 8, well below the e2e it sits beside
    const own = r.generator.instrumentDelayMs!;
    expect(own.count).toBe(Math.floor(r.messages.delivered / 8));
    expect(own.p50).toBeLessThanOrEqual(r.latencyMs.e2e.p50!);
    expect(r.series.length).toBeGreaterThanOrEqual(4);
    // the machine's stall signals, every second: /proc/stat always, PSI where the kernel has it
    expect(r.series.filter((row) => row.hostStealPct !== undefined).length).toBeGreaterThanOrEqual(r.series.length - 1);
    expect(r.host!.stalledSeconds).toBeInstanceOf(Array);
    expect(r.generator.saturationCause === null).toBe(!r.generator.saturated); // a cause only when saturated
    expect(r.series.some((row) => row.serverRssBytes !== null)).toBe(true);
    expect(r.server.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    // generator memory per client: live (after a full GC) with every client still connected
    expect(r.generator.bytesPerClient).toMatchObject({ clients: 60, when: 'end-after-gc' });
    expect(r.generator.bytesPerClient!.heap).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'out', 'report.html'))).toBe(true);
  });

  it('loses nothing on the workers variant while rooms fill up across threads during traffic', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatbench-run-'));
    // clients join over the ramp while their rooms already carry messages: a thread meets a room
    // for the first time while its fan-outs are in flight
    writeFileSync(join(dir, 'workers.yaml'), SHORT.replace('clients: 60', 'clients: 200').replace('rooms: {size: 6}', 'rooms: {size: 20}').replace('rampUp: 1s', 'rampUp: 3s').replace('messageRate: 5', 'messageRate: 10'));
    await cli('run', join(dir, 'workers.yaml'), '--variant', 'workers', '--out', join(dir, 'out'));
    const r = parseResult(JSON.parse(readFileSync(join(dir, 'out', 'result.json'), 'utf8')), 'result.json');
    expect(r.variant).toBe('workers');
    expect(r.connections.failed).toBe(0);
    expect(r.messages.delivered).toBe(r.messages.expected);
    expect(r.messages.lost).toBe(0);
    expect(r.messages.duplicated).toBe(0);
  });

  it('keeps reconnecting clients and churn apart from failures, and loses nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatbench-run-'));
    writeFileSync(
      join(dir, 'churn.yaml'),
      '# churn — test\nname: churn-test\nexecutor: {type: churn, connectRate: 40, lifetime: 2s}\nduration: 5s\ndrain: 2s\nrooms: {size: 5}\nbehaviours:\n  chatty: {weight: 0.5, rate: 4}\n  lurker: {weight: 0.2}\n  reconnector: {weight: 0.3, every: 500ms}\n',
    );
    await cli('run', join(dir, 'churn.yaml'), '--out', join(dir, 'out'));
    const r = parseResult(JSON.parse(readFileSync(join(dir, 'out', 'result.json'), 'utf8')), 'result.json');
    expect(r.connections.target).toBe(200);
    expect(r.connections.failed, `failed connections, errors: ${JSON.stringify(r.errors)}`).toBe(0);
    expect(r.connections.reconnects).toBeGreaterThan(20);
    expect(r.messages.delivered).toBeGreaterThan(0);
    expect(r.messages.delivered).toBe(r.messages.expected);
    expect(r.messages.duplicated).toBe(0);
    expect(r.errors).toEqual({});
  });

  it('exits 99 when a threshold fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatbench-run-'));
    writeFileSync(join(dir, 'strict.yaml'), SHORT.replace('clients: 60', 'clients: 12').replace('e2e.p99 < 5000', 'e2e.p99 < 0.001'));
    const err = await cli('run', join(dir, 'strict.yaml'), '--out', join(dir, 'out')).catch((e: { code: number; stdout: string }) => e);
    expect((err as { code: number }).code).toBe(99);
    expect((err as { stdout: string }).stdout).toContain('thresholds FAILED: e2e.p99 < 0.001');
  });

  it('exits 96, never 0, when the server refuses every send (a run that measured nothing)', async () => {
    const server = await startTestServer('coroutine', { maxBodyBytes: 1 });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'chatbench-run-'));
      // no thresholds at all: the sanity checks are on anyway
      writeFileSync(join(dir, 'refused.yaml'), SHORT.replace('clients: 60', 'clients: 12').replace(/thresholds: .*\n/, ''));
      const err = (await cli('run', join(dir, 'refused.yaml'), '--target', server.ws, '--secret', SECRET, '--out', join(dir, 'out')).catch((e: unknown) => e)) as {
        code: number;
        stdout: string;
      };
      expect(err.code).toBe(96);
      expect(err.stdout).toContain('e2e no data');
      expect(err.stdout).toMatch(/sends (\d+): refused \1, unanswered 0/);
      expect(err.stdout).toContain('CHECKS FAILED: sends refused');
      const r = parseResult(JSON.parse(readFileSync(join(dir, 'out', 'result.json'), 'utf8')), 'result.json');
      expect(r.messages.refusedByCode.TOO_LARGE).toBe(r.messages.sent);
      expect(r.latencyMs.e2e.p50).toBeNull();
    } finally {
      await server.close();
    }
  });

  it('signs ES256 tokens that embedded servers verify against a fresh JWKS', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatbench-run-'));
    writeFileSync(join(dir, 'es.yaml'), SHORT.replace('clients: 60', 'clients: 12').replace('duration: 3s', 'duration: 1s') + 'auth: ES256\n');
    await cli('run', join(dir, 'es.yaml'), '--out', join(dir, 'out'));
    const r = parseResult(JSON.parse(readFileSync(join(dir, 'out', 'result.json'), 'utf8')), 'result.json');
    expect(r.connections).toMatchObject({ peak: 12, failed: 0 });
    expect(r.scenario.config.auth).toBe('ES256');
    expect(r.checks.every((c) => c.ok)).toBe(true);
  });

  it('names the file, field and expectation of a bad scenario and exits 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatbench-run-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'name: bad\nclients: many\nduration: 1s\nrooms: {size: 2}\nmessageRate: 1\n');
    const err = (await cli('run', file).catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(2);
    expect(err.stderr).toContain(`${file}: invalid scenario`);
    expect(err.stderr).toMatch(/clients: .*number/);
  });

  it('says clearly when the target is unreachable and exits non-zero', async () => {
    const err = (await cli('run', 'scenarios/smoke.yaml', '--target', 'ws://127.0.0.1:1/').catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(1);
    expect(err.stderr).toMatch(/cannot reach ws:\/\/127\.0\.0\.1:1\/: ECONNREFUSED/);
  });

  it('prints its usage for --help after any command, and exits 0', async () => {
    for (const command of ['run', 'serve', 'report']) {
      const { stdout } = await cli(command, '--help');
      expect(stdout).toContain('chatbench run SCENARIO.yaml [options]');
      expect(stdout).toContain('--inject-latency-ms');
    }
  });
});
