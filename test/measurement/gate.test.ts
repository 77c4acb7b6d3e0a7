// `chatbench gate` end to end: real baseline and candidate servers, interleaved rounds. The
// candidate differs by a known, injected delay, so the right verdict is certain both ways.
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SIDES } from '../../api/gate.js';
import { interleave } from '../../cli/interleave.js';
import { parseResult } from '../../results/schema.js';
import { tinyScenario } from '../helpers/tiny-scenario.js';
import { runCli } from '../helpers/cli.js';

const cli = (...args: string[]) => runCli(args, { timeoutMs: 240_000 });
/** These tests are about the sequential mode: its ABBA order and Mann-Whitney's exact p. */
const sequential = ['--mode', 'sequential'];

const METRICS = ['--metric', 'latencyMs.e2e.p50:10%', '--metric', 'latencyMs.e2e.p99:10%'];

describe('chatbench gate', () => {
  it('alternates which side runs first (ABBA)', () => {
    expect(interleave(SIDES, 3).map((o) => `${o.item[0]}${o.round}`)).toEqual(['b0', 'c0', 'c1', 'b1', 'b2', 'c2']);
  });

  it('fails a candidate that refuses every message, even when only its latency is gated', async () => {
    const { file, out } = tinyScenario();
    const r = await cli('gate', file, ...sequential, '--rounds', '4', '--candidate-args', '--max-body-bytes 1', '--metric', 'latencyMs.e2e.p50:10%', '--out', out);
    expect(r.code, r.stderr).toBe(98);
    expect(r.stdout).toMatch(/^## chatbench gate: ❌ regression/m);
    expect(r.stdout).toContain('❌ no data');
    expect(r.stdout).not.toContain('improved');
    expect(r.stdout).toContain('sanity check "sends refused" failed in 4 of 4 candidate run(s)');
  });

  it('fails a candidate that adds 20 ms to every delivery, with exit 98 and a Markdown verdict', async () => {
    const { file, out } = tinyScenario();
    const r = await cli('gate', file, ...sequential, '--rounds', '4', '--candidate-args', '--inject-latency-ms 20', ...METRICS, '--out', out);
    expect(r.code, r.stderr).toBe(98);
    expect(r.stdout).toMatch(/^## chatbench gate: ❌ regression/m);
    expect(r.stdout).toMatch(/\| e2e p50 \(lower is better\) \| [\d.]+ ms \| [\d.]+ ms \| \+[\d.]+% \| .* \| 0\.014 \| 10% \| ❌ regressed \|/);
    expect(r.stdout).toContain('candidate: this checkout, variant coroutine, `chatbench serve … --inject-latency-ms 20`');
    expect(readFileSync(join(out, 'verdict.md'), 'utf8')).toContain('❌ regression');
    // every run is kept, labelled, and the order was ABBA
    const runs = interleave(SIDES, 4).map(({ item: side, round }) => parseResult(JSON.parse(readFileSync(join(out, `${side}-${round + 1}`, 'result.json'), 'utf8')), side));
    const starts = runs.map((x) => Date.parse(x.startedAt));
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    for (const x of runs) expect(x.messages.lost).toBe(0);
    const p50 = (label: string) => runs.filter((x) => x.label === label).map((x) => x.latencyMs.e2e.p50!);
    expect(Math.min(...p50('candidate'))).toBeGreaterThan(Math.max(...p50('baseline')) + 15);
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('candidate (coroutine)');
  }, 240_000);

  it('passes (exit 0) a candidate that removes that delay, and calls it an improvement', async () => {
    const { file, out } = tinyScenario();
    const r = await cli('gate', file, ...sequential, '--rounds', '4', '--baseline-args', '--inject-latency-ms 20', ...METRICS, '--out', out);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^## chatbench gate: ✅ no regression/m);
    expect(r.stdout).toMatch(/\| e2e p50 \(lower is better\) .* \| -[\d.]+% \| .* ✅ improved \|/);
  }, 240_000);

  it('says what is wrong with an unbuilt baseline checkout, a bad metric, and rounds too few to ever fail', async () => {
    const { file } = tinyScenario();
    const r = await cli('gate', file, '--baseline-dir', tmpdir(), '--rounds', '4');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${join(tmpdir(), 'dist', 'bin', 'chatbench.js')} does not exist: build that checkout first`);
    const m = await cli('gate', file, '--metric', 'generator.cpuSeconds');
    expect(m.code).toBe(2);
    expect(m.stderr).toContain('--metric generator.cpuSeconds: say whether lower or higher is better');
    const few = await cli('gate', file, ...sequential, '--rounds', '3');
    expect(few.code).toBe(2);
    expect(few.stderr).toContain('--rounds 3: with so few rounds no difference in any of 3 figure(s) can reach p < 0.05/3 (Holm), so the gate could never fail; use at least 4');
    const pairsSequential = await cli('gate', file, ...sequential, '--pairs', '2');
    expect(pairsSequential.code).toBe(2);
    expect(pairsSequential.stderr).toContain('--pairs runs several server pairs at once: it is for --mode simultaneous');
    const noPairs = await cli('gate', file, '--pairs', '0');
    expect(noPairs.code).toBe(2);
    expect(noPairs.stderr).toContain('--pairs 0: expected a whole number from 1 to 8');
  });
});
