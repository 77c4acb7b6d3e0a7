// `npm run bench:cluster`: what cross-node fan-out costs. The same scenario (default
// scenarios/fanout-ramp.yaml: rooms of 50, a send rate ramping to 3,000/s) twice in one sitting:
// on one server alone (SQLite, as shipped), and with every room's members spread over N servers
// that share rooms on a Redis bus (the run starts redis-server), with appendfsync always and
// everysec. Prints one
// Markdown table: where e2e p99 first passed 250 ms (deliveries/s then), server CPU per 1k
// deliveries (all servers), Redis CPU per 1k messages, the share of deliveries that crossed nodes,
// and e2e p50/p99 at one common load (the seconds whose send rate was within 10 % of it).
//   node dist/bench/cluster.js [SCENARIO] [--nodes 2] [--variant coroutine] [--load 1000]
import { parseArgs } from 'node:util';
import { runScenario } from '../loadgen/coordinator/run.js';
import { loadScenario } from '../loadgen/scenario/parse.js';
import type { Scenario } from '../loadgen/scenario/schema.js';
import { median } from '../lib/median.js';
import type { Result } from '../results/schema.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { nodes: { type: 'string', default: '2' }, variant: { type: 'string', default: 'coroutine' }, load: { type: 'string', default: '1000' } },
});
const file = positionals[0] ?? 'scenarios/fanout-ramp.yaml';
const base = loadScenario(file);
const nodes = Number(values.nodes);
const load = Number(values.load);
const sides: { name: string; scenario: Scenario }[] = [
  { name: 'one server, SQLite', scenario: { ...base, servers: 1, bus: 'none' } },
  { name: `${nodes} servers on a Redis bus (appendfsync always)`, scenario: { ...base, servers: nodes, bus: 'redis', busFsync: 'always' } },
  { name: `${nodes} servers on a Redis bus (appendfsync everysec)`, scenario: { ...base, servers: nodes, bus: 'redis', busFsync: 'everysec' } },
];

const rows: string[] = [];
for (const side of sides) {
  console.error(`\n== ${side.name}`);
  const r = await runScenario({ scenario: side.scenario, scenarioFile: file, variant: values.variant, log: (l) => console.error(l) });
  rows.push(row(side.name, r));
}
console.log(`\n${base.name}, ${values.variant} variant; e2e at ${load} messages/s (± 10 %)\n`);
console.log('| servers | saturated at (deliveries/s, p99 > 250 ms) | server CPU ms / 1k deliveries | Redis CPU ms / 1k messages | cross-node share | e2e p50 / p99 at the load | generator saturated |');
console.log('|---|---:|---:|---:|---:|---:|---|');
for (const r of rows) console.log(r);

function row(name: string, r: Result): string {
  const near = r.series.filter((s) => Math.abs(s.sent - load) <= load * 0.1);
  const p50 = median(near.map((s) => s.e2eP50).filter((v): v is number => v !== null));
  const p99 = median(near.map((s) => s.e2eP99).filter((v): v is number => v !== null));
  const sat = r.saturation ? `${Math.round(r.saturation.deliveredPerSec).toLocaleString('en')} (at ${r.saturation.atSec} s)` : 'not reached';
  const redis = r.bus?.redis?.cpuMsPer1kMessages;
  const share = r.bus?.crossNodeShare;
  const e2e = near.length ? `${fmt(p50)} / ${fmt(p99)} ms (${near.length} s)` : 'load not held';
  const gen = r.generator.saturated ? `yes: ${r.generator.saturationReasons.join('; ')}` : 'no';
  return `| ${name} | ${sat} | ${fmt(r.server.cpuMsPer1kDeliveries)} | ${redis === undefined || redis === null ? '—' : fmt(redis)} | ${share === undefined || share === null ? '—' : `${Math.round(share * 100)} %`} | ${e2e} | ${gen} |`;
}

function fmt(v: number | null | undefined): string {
  return v === null || v === undefined || Number.isNaN(v) ? '—' : v.toFixed(2);
}
