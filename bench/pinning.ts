// What CPU pinning does to run-to-run spread: the same scenario N times pinned (servers on one half
// of the cores, the generator on the other) and N times not, interleaved, in one sitting; prints
// the coefficient of variation (standard deviation / mean) of e2e p50, e2e p99 and server CPU per
// 1k deliveries for each, and their ratio. The gate's default (--pin auto) follows from it.
//   node dist/bench/pinning.js [SCENARIO.yaml] [--runs 10]
import { parseArgs } from 'node:util';
import { planPinning } from '../loadgen/coordinator/pinning.js';
import { runScenario } from '../loadgen/coordinator/run.js';
import { loadScenario } from '../loadgen/scenario/parse.js';
import type { Result } from '../results/schema.js';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string', default: '10' } } });
const file = positionals[0] ?? 'scenarios/smoke.yaml';
const runs = Number(values.runs);
const pinning = planPinning('on');
const scenario = loadScenario(file);
const figures = {
  'e2e p50 (ms)': (r: Result) => r.latencyMs.e2e.p50,
  'e2e p99 (ms)': (r: Result) => r.latencyMs.e2e.p99,
  'server CPU ms / 1k deliveries': (r: Result) => r.server.cpuMsPer1kDeliveries,
};
const results: Record<'pinned' | 'unpinned', Result[]> = { pinned: [], unpinned: [] };

for (let i = 0; i < runs; i++) {
  // ABBA: which arm goes first alternates, so a drifting machine favours neither
  const order = i % 2 === 0 ? (['pinned', 'unpinned'] as const) : (['unpinned', 'pinned'] as const);
  for (const arm of order) {
    const r = await runScenario({ scenario, scenarioFile: file, ...(arm === 'pinned' ? { pinning } : {}), log: () => {} });
    results[arm].push(r);
    console.error(`${arm} ${i + 1}/${runs}: e2e p50 ${r.latencyMs.e2e.p50} ms, p99 ${r.latencyMs.e2e.p99} ms, CPU/1k ${r.server.cpuMsPer1kDeliveries} ms`);
  }
}

const cv = (xs: number[]) => {
  const m = xs.reduce((a, x) => a + x, 0) / xs.length;
  return Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1)) / m;
};
const mean = (xs: number[]) => xs.reduce((a, x) => a + x, 0) / xs.length;
console.log(`\n${scenario.name}, ${runs} runs per arm, interleaved; pinned: server CPU ${pinning?.server}, generator CPU ${pinning?.generator}\n`);
console.log('| figure | mean pinned | mean unpinned | CV pinned | CV unpinned | CV ratio (pinned / unpinned) |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const [name, get] of Object.entries(figures)) {
  const p = results.pinned.map(get).filter((v): v is number => v !== null);
  const u = results.unpinned.map(get).filter((v): v is number => v !== null);
  console.log(`| ${name} | ${mean(p).toFixed(2)} | ${mean(u).toFixed(2)} | ${(cv(p) * 100).toFixed(1)}% | ${(cv(u) * 100).toFixed(1)}% | ${(cv(p) / cv(u)).toFixed(2)} |`);
}
