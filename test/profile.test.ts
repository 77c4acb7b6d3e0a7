// `chatbench profile`: a real run against a server started under Clinic.js flame.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dist } from '../lib/paths.js';
import { parseResult } from '../results/schema.js';
import { tinyScenario } from './helpers/tiny-scenario.js';

const exec = promisify(execFile);
const cli = (...args: string[]) => exec(process.execPath, [dist('bin/chatbench.js'), ...args], { timeout: 180_000 });

describe('chatbench profile', () => {
  it('profiles the chat server itself under load, and keeps the run beside the profile', async () => {
    const { file, out } = tinyScenario();
    const { stdout } = await cli('profile', file, '--tool', 'flame', '--out', out);
    const html = readdirSync(out).find((f) => f.endsWith('.clinic-flame.html'));
    expect(html).toBeDefined();
    expect(stdout).toContain(`profile: ${join(out, html!)}`);
    const r = parseResult(JSON.parse(readFileSync(join(out, 'result.json'), 'utf8')), 'result.json');
    expect(r.label).toBe('profiled (clinic flame)');
    expect(r.messages.lost).toBe(0);
    // the profiled process is the server (not Clinic's wrapper), and its frames are chatbench's
    expect(html).toBe(`${r.server.pid}.clinic-flame.html`);
    expect(readFileSync(join(out, html!), 'utf8')).toContain('chat-core.js');
  }, 180_000);

  it("profiles a project's own Node.js server started by --server-cmd", async () => {
    const out = mkdtempSync(join(tmpdir(), 'chatbench-profile-'));
    const server = join(import.meta.dirname, 'fixtures', 'one-file-chat-server.cjs');
    const init = join(out, 'scenario.yaml');
    await cli('init', '--dir', out, '--name', 'scenario', '--no-workflow');
    const { stdout } = await cli('profile', init, '--server-cmd', `node ${server} --port {port}`, '--clients', '20', '--duration', '2s', '--out', join(out, 'p'));
    const html = readdirSync(join(out, 'p')).find((f) => f.endsWith('.clinic-flame.html'));
    expect(html).toBeDefined();
    expect(stdout).toContain('profile: ');
    const r = parseResult(JSON.parse(readFileSync(join(out, 'p', 'result.json'), 'utf8')), 'result.json');
    expect(r.label).toBe('profiled (clinic flame)');
    expect(r.server.command).toContain('clinic');
    expect(r.messages.delivered).toBeGreaterThan(0);
    expect(readFileSync(join(out, 'p', html!), 'utf8')).toContain('one-file-chat-server');
  }, 180_000);

  it('refuses a --server-cmd that is not a node command', async () => {
    const err = (await cli('profile', 'scenarios/smoke.yaml', '--server-cmd', 'python3 server.py {port}').catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(2);
    expect(err.stderr).toContain('Clinic.js profiles a Node.js process');
  });

  it('names the tools it knows', async () => {
    const err = (await cli('profile', 'scenarios/smoke.yaml', '--tool', 'perf').catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(err.code).toBe(2);
    expect(err.stderr).toContain('--tool perf: expected one of flame, doctor, heapprofiler, bubbleprof');
  });
});
