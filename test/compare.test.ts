// `chatbench compare`: real runs of two variants, interleaved, and the Markdown table they make.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { interleave } from '../cli/interleave.js';
import { dist } from '../lib/paths.js';
import { median } from '../lib/median.js';
import { comparisonMarkdown } from '../reports/markdown-comparison.js';
import { parseResult, type Result } from '../results/schema.js';
import { tinyScenario } from './helpers/tiny-scenario.js';

const exec = promisify(execFile);
const cli = (...args: string[]) => exec(process.execPath, [dist('bin/chatbench.js'), ...args], { timeout: 120_000 });

/** The cells of the table row whose first cell is `label`. */
function row(markdown: string, label: string): string[] {
  const line = markdown.split('\n').find((l) => l.startsWith(`| ${label} |`));
  if (!line) throw new Error(`no row ${label} in\n${markdown}`);
  return line.split('|').slice(2, -1).map((c) => c.trim());
}

describe('chatbench compare', () => {
  const ran: Result[] = [];
  it('rotates the starting variant each round', () => {
    expect(interleave(['a', 'b', 'c'], 3).map((p) => `${p.item}${p.round}`)).toEqual(['a0', 'b0', 'c0', 'b1', 'c1', 'a1', 'c2', 'a2', 'b2']);
  });

  it('runs each variant N times interleaved, and shows medians, ranges and ratios', async () => {
    const { file, out } = tinyScenario();
    const { stdout } = await cli('compare', file, '--variants', 'coroutine,callback', '--repeat', '2', '--out', out);
    const read = (name: string) => parseResult(JSON.parse(readFileSync(join(out, name, 'result.json'), 'utf8')), name);
    const co = [read('coroutine-1'), read('coroutine-2')];
    const cb = [read('callback-1'), read('callback-2')];
    // interleaved: coroutine, callback, then callback, coroutine
    const starts = [co[0]!, cb[0]!, cb[1]!, co[1]!].map((r) => Date.parse(r.startedAt));
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
    for (const r of [...co, ...cb]) expect(r.messages.lost).toBe(0);
    ran.push(...co, ...cb);

    expect(stdout).toContain('| figure | coroutine (2 runs) | callback (2 runs) |');
    expect(row(stdout, 'Lost')).toEqual(['0', '0']);
    const p99 = (rs: Result[]) => median(rs.map((r) => r.latencyMs.e2e.p99!));
    const [coCell, cbCell] = row(stdout, 'e2e p99');
    expect(coCell).toMatch(new RegExp(`^${p99(co).toLocaleString('en-US', { maximumFractionDigits: 2 }).replace('.', '\\.')} ms`));
    expect(cbCell).toContain(`· ${(p99(cb) / p99(co)).toFixed(2)}×`);
    expect(readFileSync(join(out, 'summary.md'), 'utf8')).toContain('| e2e p99 |');
    const html = readFileSync(join(out, 'report.html'), 'utf8');
    expect(html.match(/<td data-run="\d+" data-metric="messages\.lost"/g)).toHaveLength(4);
    expect(existsSync(join(out, 'coroutine-1', 'report.html'))).toBe(true);

    // the same table from the files afterwards, grouped by variant again
    const again = await cli('compare', ...['callback-1', 'coroutine-1', 'coroutine-2', 'callback-2'].map((d) => join(out, d)));
    expect(again.stdout).toContain('| figure | callback (2 runs) | coroutine (2 runs) |');
    expect(row(again.stdout, 'e2e p99')[1]!.split(' · ')[0]).toBe(coCell!.split(' · ')[0]);
  }, 180_000);

  it('warns when a run flagged its generator, and lists failed thresholds', () => {
    expect(ran.length).toBe(4); // the runs of the test above
    const flagged: Result = { ...ran[1]!, generator: { ...ran[1]!.generator, saturated: true, saturationReasons: ['loop delay'] } };
    const failing: Result = { ...ran[2]!, thresholds: [{ expression: 'e2e.p99 < 0.001', ok: false, actual: 2.5 }] };
    const md = comparisonMarkdown([
      { label: 'A', results: [ran[0]!, flagged] },
      { label: 'B', results: [failing] },
    ]);
    expect(md).toContain(`**Warning: the load generator may have been the bottleneck in 1 run(s)** (A @ ${flagged.startedAt})`);
    expect(md).toContain('**Thresholds failed:** B: e2e.p99 < 0.001 (2.5)');
    expect(comparisonMarkdown([{ label: 'A', results: [ran[0]!] }])).not.toMatch(/Warning|Thresholds failed/);
  });

  it('rejects an unknown variant and a bad --repeat with a clear message', async () => {
    const bad = (await cli('compare', 'scenarios/smoke.yaml', '--variants', 'coroutine,fibers').catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--variants: unknown fibers; expected some of coroutine, callback, workers');
    const repeat = (await cli('compare', 'scenarios/smoke.yaml', '--repeat', '0').catch((e: unknown) => e)) as { code: number; stderr: string };
    expect(repeat.stderr).toContain('--repeat 0: expected a whole number from 1 to 50');
  });
});
