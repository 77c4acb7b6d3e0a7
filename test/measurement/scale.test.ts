// One server process holding 19,000 clients (a process may hold ~19,500 connections here), fed by
// two generator processes: the scale the generator promises, checked on every CI run. The full
// idle-19k and hold-50k scenarios run with `npm run test:scale`.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dist } from '../../lib/paths.js';
import type { Result } from '../../results/schema.js';

const exec = promisify(execFile);

describe('scale', () => {
  it('holds 19,000 clients on one server process', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chatbench-scale-'));
    writeFileSync(
      join(dir, 'hold-19k.yaml'),
      '# hold-19k — CI check: 19,000 clients on one server process\nname: hold-19k\nclients: 19000\nrampUp: 15s\nduration: 5s\ndrain: 3s\nrooms: {size: 10}\nbehaviours:\n  chatty: {weight: 0.01, rate: 1}\n  lurker: {weight: 0.99}\nthresholds: ["connections.failed == 0", "lost == 0"]\n',
    );
    const { stdout } = await exec(process.execPath, [dist('bin/chatbench.js'), 'run', join(dir, 'hold-19k.yaml'), '--variant', 'callback', '--out', join(dir, 'out')], { timeout: 120_000 });
    expect(stdout).toContain('thresholds ok');
    const r = JSON.parse(readFileSync(join(dir, 'out', 'result.json'), 'utf8')) as Result;
    expect(r.connections).toMatchObject({ target: 19_000, peak: 19_000, failed: 0 });
    expect(r.messages.lost).toBe(0);
    expect(r.messages.delivered).toBeGreaterThan(0);
    expect(r.server.memoryPerConnection?.heapBytes).toBeGreaterThan(0);
  }, 150_000);
});
