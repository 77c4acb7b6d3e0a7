// `chatbench history` on result files: a real result (the fixture) copied across synthetic commits
// whose server CPU per 1k deliveries has a known step; the command finds it, names the commits on
// either side, and exits 98 only when the newest commit starts the worse level.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../ci/stats.js';
import { runCli } from './helpers/cli.js';
import { parseResult } from '../results/schema.js';

const cli = (...args: string[]) => runCli(args);

const fixture = parseResult(JSON.parse(readFileSync('test/fixtures/result-v2.json', 'utf8')), 'result-v2.json');
const commit = (i: number) => i.toString(16).padStart(40, 'c');

/** A directory of gate baseline runs: 3 per commit, CPU per 1k deliveries from `level(i)` with 2 % noise. */
function historyDir(commits: number, level: (i: number) => number): string {
  const dir = mkdtempSync(join(tmpdir(), 'chatbench-history-'));
  const random = seededRandom(11);
  for (let i = 0; i < commits; i++) {
    for (let run = 0; run < 3; run++) {
      const r = structuredClone(fixture);
      r.label = 'baseline';
      r.env = { ...r.env, gitCommit: commit(i), gitCommitDate: new Date(Date.UTC(2026, 0, 1 + i)).toISOString() };
      r.startedAt = new Date(Date.UTC(2026, 0, 1 + i, 12, run)).toISOString();
      r.server = { ...r.server, cpuMsPer1kDeliveries: 10 * level(i) * (1 + 0.02 * (random() + random() + random() - 1.5)) };
      mkdirSync(join(dir, `pr-${i}`, `baseline-${run + 1}`), { recursive: true });
      writeFileSync(join(dir, `pr-${i}`, `baseline-${run + 1}`, 'result.json'), JSON.stringify(r));
    }
  }
  return dir;
}

describe('chatbench history', () => {
  it('finds a 10 % step, names the commits around it, and passes when the newest commit is not its start', async () => {
    const dir = historyDir(24, (i) => (i >= 16 ? 1.1 : 1));
    const out = join(dir, 'out');
    const r = await cli('history', dir, '--metric', 'server.cpuMsPer1kDeliveries', '--label', 'baseline', '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('## chatbench history: 24 commits');
    expect(r.stdout).toMatch(new RegExp(`❌ worse \\+(9|10|11)\\.\\d% between ${commit(15).slice(0, 10)} and ${commit(16).slice(0, 10)}`));
    const page = readdirSync(out).find((f) => f.endsWith('.html'))!;
    const html = readFileSync(join(out, page), 'utf8');
    expect(html).toContain('across 24 commits');
    expect(html.match(/class="cp worse"/g)).toHaveLength(1);
  });

  it('exits 98 when the newest commit starts a worse level', async () => {
    const r = await cli('history', historyDir(20, (i) => (i === 19 ? 1.12 : 1)), '--metric', 'server.cpuMsPer1kDeliveries', '--out', join(tmpdir(), `chatbench-history-out-${process.pid}`));
    expect(r.code, r.stderr).toBe(98);
    expect(r.stdout).toMatch(/❌ the newest commit starts a worse level \(\+1\d\.\d%\)/);
  });

  it('finds nothing in a flat history', async () => {
    const r = await cli('history', historyDir(20, () => 1), '--metric', 'server.cpuMsPer1kDeliveries', '--out', join(tmpdir(), `chatbench-history-flat-${process.pid}`));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('no change point');
  });
});
